"""The nightly chaos suite: live campaign state copied into sandbox twins, shocked four ways,
and MarginGuardian's reactions checked against what each copy's economics call for."""
