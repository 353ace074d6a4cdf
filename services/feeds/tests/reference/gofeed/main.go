// Reads feeds with gofeed (github.com/mmcdole/gofeed), the Go world's universal feed
// parser, and prints what it understood as one JSON object per feed: the feed's
// language and, per item, its id, published and updated instants (Unix seconds) and
// language. Usage: gofeed-read FILE... (each a feed document: RSS, Atom or JSON Feed).
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/mmcdole/gofeed"
)

type item struct {
	ID        string  `json:"id"`
	Published *int64  `json:"published"`
	Updated   *int64  `json:"updated"`
	Language  *string `json:"language"`
}

type feed struct {
	File     string `json:"file"`
	Type     string `json:"type"`
	Language string `json:"language"`
	Items    []item `json:"items"`
	Error    string `json:"error,omitempty"`
}

func main() {
	out := json.NewEncoder(os.Stdout)
	for _, path := range os.Args[1:] {
		f := feed{File: path, Items: []item{}}
		file, err := os.Open(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		parsed, err := gofeed.NewParser().Parse(file)
		file.Close()
		if err != nil {
			f.Error = err.Error()
			out.Encode(f)
			continue
		}
		f.Type = parsed.FeedType
		f.Language = parsed.Language
		for _, it := range parsed.Items {
			i := item{ID: it.GUID}
			if it.PublishedParsed != nil {
				s := it.PublishedParsed.Unix()
				i.Published = &s
			}
			if it.UpdatedParsed != nil {
				s := it.UpdatedParsed.Unix()
				i.Updated = &s
			}
			if it.DublinCoreExt != nil && len(it.DublinCoreExt.Language) > 0 {
				l := it.DublinCoreExt.Language[0]
				i.Language = &l
			}
			f.Items = append(f.Items, i)
		}
		out.Encode(f)
	}
}
