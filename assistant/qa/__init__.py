"""Question answering: analysis, retrieval, evidence, refusal, answers, LLM providers."""
