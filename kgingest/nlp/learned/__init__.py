"""A learned relation proposer: sparse features of an entity pair, a linear model shipped as JSON.

``features`` turns a pair of entity mentions in one sentence into feature strings, ``model``
reads the weights and scores them (pure Python, no scikit-learn at run time), ``propose``
yields the pairs the model believes. ``scripts/train_relations.py`` rebuilds the weights.
"""
