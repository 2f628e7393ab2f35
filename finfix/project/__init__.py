"""Project-wide knowledge: facts that one file cannot show (a real type checker's answers, call sites...)."""
