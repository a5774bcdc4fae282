//go:build !race

package tether_test

const raceDetector = false
