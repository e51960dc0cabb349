"""The RDF side of kgingest: document graphs, N-Triples, output files and the rdflib parser plugin."""
