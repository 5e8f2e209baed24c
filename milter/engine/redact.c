/* redact.c - placeholder until written */
