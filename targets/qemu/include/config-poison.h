/*
 * config-poison.h - QEMU's build poisons every per-target CONFIG_ name in
 * target-independent files.  We compile only target-independent event-loop
 * files and define no per-target names, so there is nothing to poison.
 */
