//go:build !race

package logredactionprocessor

const raceEnabled = false
