/*
 * monitor-opcode-compat.c - TEMPORARY: sim_uring_opcode_name() until sim.h
 * exports it (the sim-int.h split renames the kernel's sim_uring_op_name to
 * it and declares it in sim.h).  Delete this file, and the declaration in
 * monitor.h, when that lands.
 */
#include "sim-int.h"
#include "monitor.h"

const char *sim_uring_opcode_name(unsigned op)
{
    return sim_uring_op_name(op);
}
