//go:build bench

package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// udpDrops is the kernel's count of datagrams dropped on the UDP sockets bound to port
// (the drops column of /proc/net/udp and udp6: receive buffer full), or -1 when it cannot
// be read. It tells datagrams lost before any receiver saw them from spans a receiver lost.
func udpDrops(port int) int64 {
	total, found := int64(0), false
	for _, file := range []string{"/proc/net/udp", "/proc/net/udp6"} {
		f, err := os.Open(file)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		sc.Scan() // header
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 13 {
				continue
			}
			_, portHex, ok := strings.Cut(fields[1], ":")
			if !ok {
				continue
			}
			if p, err := strconv.ParseInt(portHex, 16, 32); err != nil || int(p) != port {
				continue
			}
			if d, err := strconv.ParseInt(fields[len(fields)-1], 10, 64); err == nil {
				total += d
				found = true
			}
		}
		f.Close()
	}
	if !found {
		return -1
	}
	return total
}
