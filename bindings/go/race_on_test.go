//go:build race

package tether_test

// raceDetector: the race detector keeps memory of its own per synchronisation (each
// finalizer is one) that RSS figures include.
const raceDetector = true
