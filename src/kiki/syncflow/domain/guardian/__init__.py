"""MarginGuardian's rules as pure values and functions: figures in, a verdict out."""
