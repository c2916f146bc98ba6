package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"
)

var skus = []string{"espresso-beans", "moka-pot", "burr-grinder", "milk-frother", "tamper"}

// load sends orders to the shop at the -rate, and prints a line every 10 s. About one order in
// twenty asks for more than is in stock, so the error rate in the RED metrics is not zero.
func (d *demo) load(ctx context.Context) {
	client := &http.Client{Timeout: 10 * time.Second}
	tick := time.NewTicker(time.Duration(float64(time.Second) / d.opts.rate))
	defer tick.Stop()
	report := time.NewTicker(10 * time.Second)
	defer report.Stop()
	var created, rejected, failed int
	var lastTrace string
	for {
		select {
		case <-ctx.Done():
			return
		case <-report.C:
			fmt.Printf("demo: %d orders created, %d rejected (out of stock), %d failed; last trace: %strace/%s\n",
				created, rejected, failed, d.info().ViewURL, lastTrace)
		case <-tick.C:
			qty := 1 + rand.IntN(3)
			if rand.IntN(20) == 0 {
				qty = 100
			}
			url := fmt.Sprintf("http://127.0.0.1:%d/orders?sku=%s&qty=%d", d.ports.ShopAPI, skus[rand.IntN(len(skus))], qty)
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, nil)
			if err != nil {
				failed++
				continue
			}
			resp, err := client.Do(req)
			if err != nil {
				if ctx.Err() == nil {
					failed++
				}
				continue
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			switch {
			case resp.StatusCode == http.StatusCreated:
				created++
				lastTrace = resp.Header.Get("Trace-Id")
			case resp.StatusCode == http.StatusConflict:
				rejected++
			default:
				failed++
			}
		}
	}
}
