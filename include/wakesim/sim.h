/* In the source tree, wakesim/sim.h is the simulator's own header; an
 * installation puts sim/sim.h itself here (see sim/CMakeLists.txt). */
#include "../../sim/sim.h"
