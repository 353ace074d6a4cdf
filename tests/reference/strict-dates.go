// Reads "kind<TAB>value" lines on stdin and answers one line each: the instant as
// "<Unix seconds> <nanoseconds>", or "ERR <why>". Go's standard library is the strict reader here:
// net/mail.ParseDate for RFC 5322 dates (RSS pubDate), time.Parse with RFC3339Nano
// for RFC 3339 (Atom, JSON Feed, NewsML-G2, ninjs). Go readers refuse what these
// refuse (second 60, lower-case t and z, years past 9999).
package main

import (
	"bufio"
	"fmt"
	"net/mail"
	"os"
	"strings"
	"time"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		kind, value, _ := strings.Cut(in.Text(), "\t")
		var t time.Time
		var err error
		switch kind {
		case "rfc822":
			t, err = mail.ParseDate(value)
			// ParseDate does not check the day of the week against the date.
			if err == nil && strings.Contains(value, ",") {
				day := strings.TrimSpace(value[:strings.Index(value, ",")])
				if day != t.Weekday().String()[:3] {
					err = fmt.Errorf("%s is a %s", value, t.Weekday())
				}
			}
		case "rfc3339":
			t, err = time.Parse(time.RFC3339Nano, value)
		default:
			err = fmt.Errorf("unknown kind %q", kind)
		}
		if err != nil {
			fmt.Fprintf(out, "ERR %v\n", err)
		} else {
			fmt.Fprintf(out, "%d %d\n", t.Unix(), t.Nanosecond())
		}
	}
}
