package migrate

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
)

// Status says how a legacy key was carried over.
type Status string

// The statuses of a report item.
const (
	Mapped       Status = "mapped"
	Approximated Status = "approximated"
	Unmapped     Status = "unmapped"
)

// Item is one legacy key and what became of it.
type Item struct {
	Key    string `json:"key"`
	Value  string `json:"value,omitempty"`
	Status Status `json:"status"`
	// To is the configuration path it went to ("receivers::jaeger::protocols::grpc::endpoint").
	To   string `json:"to,omitempty"`
	Note string `json:"note,omitempty"`
}

// Report lists every key read.
type Report struct {
	Source string `json:"source"`
	Items  []Item `json:"items"`
}

func (r *Report) add(key, value string, st Status, to, note string) {
	r.Items = append(r.Items, Item{Key: key, Value: value, Status: st, To: to, Note: note})
}

// Count returns how many items have status st.
func (r *Report) Count(st Status) int {
	n := 0
	for _, it := range r.Items {
		if it.Status == st {
			n++
		}
	}
	return n
}

func (r *Report) sort() {
	order := map[Status]int{Mapped: 0, Approximated: 1, Unmapped: 2}
	sort.SliceStable(r.Items, func(i, j int) bool {
		a, b := r.Items[i], r.Items[j]
		if order[a.Status] != order[b.Status] {
			return order[a.Status] < order[b.Status]
		}
		return a.Key < b.Key
	})
}

// WriteText writes the report as a table.
func (r *Report) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "migrate-config from %s: %d mapped, %d approximated, %d unmapped\n",
		r.Source, r.Count(Mapped), r.Count(Approximated), r.Count(Unmapped))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tKEY\tTO\tNOTE")
	for _, it := range r.Items {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", it.Status, it.Key, it.To, it.Note)
	}
	return tw.Flush()
}
