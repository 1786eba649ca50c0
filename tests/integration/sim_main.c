/* sim_main.c: "obdcon sim" as a program of its own, so
 * tests/integration/sim_cli.sh can run it before and apart from obdcon's
 * command dispatch. */
#include "config.h"

#include "sim/sim.h"

/* Runs sim_main() with this program's arguments. */
int main(int argc, char **argv)
{
	return sim_main(argc, argv);
}
