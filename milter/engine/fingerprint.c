/* fingerprint.c - placeholder until written */
