/* cli.c - placeholder */
