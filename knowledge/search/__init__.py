"""Search primitives: embeddings, the keyword index and the vector store."""
