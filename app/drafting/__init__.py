"""Reply drafting: templates, knowledge base, reuse of approved replies and guardrails."""
