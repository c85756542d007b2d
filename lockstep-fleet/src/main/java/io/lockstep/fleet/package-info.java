/**
 * The fleet: the agent that runs on every device (tracks a reference, serves its status,
 * metrics and triggers over HTTP, advertises itself over DNS-SD) and the monitor that finds
 * the devices, shows the whole room's sync against one reference and fires actions on them.
 *
 * <p>Offsets in this package follow the fleet convention of docs/architecture.md: a device's
 * {@code offsetNanos} is <em>device clock − reference clock</em>.
 */
package io.lockstep.fleet;
