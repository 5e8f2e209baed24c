/* inspect.c - placeholder until written */
