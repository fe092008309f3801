/* In the source tree, wakesim/sim.h is the simulator's own header; an
 * installation puts sim/core/sim.h itself here (see sim/CMakeLists.txt). */
#include "../../sim/core/sim.h"
