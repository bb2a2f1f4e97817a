package snapshot

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Normalize sorts every list into its canonical order so that the same cluster state always
// encodes to the same bytes, whatever order the brokers answered in.
func (s *Snapshot) Normalize() {
	s.TakenAt = s.TakenAt.UTC()
	slices.SortFunc(s.Cluster.Brokers, func(a, b Broker) int { return cmp.Compare(a.ID, b.ID) })
	for i := range s.Cluster.Brokers {
		b := &s.Cluster.Brokers[i]
		slices.SortFunc(b.Configs, func(a, b Config) int { return cmp.Compare(a.Name, b.Name) })
		slices.SortFunc(b.LogDirs, func(a, b LogDir) int { return cmp.Compare(a.Path, b.Path) })
	}
	slices.SortFunc(s.Cluster.Features, func(a, b Feature) int { return cmp.Compare(a.Name, b.Name) })
	if q := s.Cluster.Quorum; q != nil {
		slices.SortFunc(q.Voters, func(a, b QuorumReplica) int { return cmp.Compare(a.ID, b.ID) })
		slices.SortFunc(q.Observers, func(a, b QuorumReplica) int { return cmp.Compare(a.ID, b.ID) })
	}
	slices.SortFunc(s.Topics, func(a, b Topic) int { return cmp.Compare(a.Name, b.Name) })
	for i := range s.Topics {
		t := &s.Topics[i]
		slices.SortFunc(t.Partitions, func(a, b Partition) int { return cmp.Compare(a.ID, b.ID) })
		for j := range t.Partitions {
			p := &t.Partitions[j]
			// Replica order is meaningful (the first is the preferred leader); ISR order is not.
			slices.Sort(p.ISR)
			slices.Sort(p.OfflineReplicas)
		}
		slices.SortFunc(t.Configs, func(a, b Config) int { return cmp.Compare(a.Name, b.Name) })
	}
	sortPromotions(s.Promotions)
	slices.SortFunc(s.Groups, func(a, b Group) int { return cmp.Compare(a.ID, b.ID) })
	for i := range s.Groups {
		g := &s.Groups[i]
		slices.SortFunc(g.Members, func(a, b Member) int {
			return cmp.Or(cmp.Compare(a.ClientID, b.ClientID), cmp.Compare(a.ID, b.ID))
		})
		for j := range g.Members {
			m := &g.Members[j]
			slices.SortFunc(m.Assignments, func(a, b TopicPartitions) int { return cmp.Compare(a.Topic, b.Topic) })
			for k := range m.Assignments {
				slices.Sort(m.Assignments[k].Partitions)
			}
			slices.SortFunc(m.TargetAssignments, func(a, b TopicPartitions) int { return cmp.Compare(a.Topic, b.Topic) })
			for k := range m.TargetAssignments {
				slices.Sort(m.TargetAssignments[k].Partitions)
			}
			slices.Sort(m.SubscribedTopics)
			if m.Tasks != nil {
				for _, tasks := range [][]TaskGroup{m.Tasks.Active, m.Tasks.Standby, m.Tasks.Warmup} {
					slices.SortFunc(tasks, func(a, b TaskGroup) int { return cmp.Compare(a.Subtopology, b.Subtopology) })
					for k := range tasks {
						slices.Sort(tasks[k].Partitions)
					}
				}
			}
		}
		if g.Streams != nil {
			slices.SortFunc(g.Streams.Subtopologies, func(a, b Subtopology) int { return cmp.Compare(a.ID, b.ID) })
		}
		slices.SortFunc(g.Offsets, func(a, b GroupOffset) int {
			return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Partition, b.Partition))
		})
		slices.SortFunc(g.Uncommitted, func(a, b TopicPartitions) int { return cmp.Compare(a.Topic, b.Topic) })
		for k := range g.Uncommitted {
			slices.Sort(g.Uncommitted[k].Partitions)
		}
	}
	if s.Registry != nil {
		slices.SortFunc(s.Registry.Subjects, func(a, b Subject) int { return cmp.Compare(a.Name, b.Name) })
		for i := range s.Registry.Subjects {
			sub := &s.Registry.Subjects[i]
			slices.SortFunc(sub.Versions, func(a, b SchemaVersion) int { return cmp.Compare(a.Version, b.Version) })
			for j := range sub.Versions {
				slices.SortFunc(sub.Versions[j].References, func(a, b Reference) int {
					return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.Version, b.Version))
				})
			}
		}
	}
	if s.ACLs != nil {
		slices.SortFunc(s.ACLs.Entries, compareACL)
	}
	if s.Quotas != nil {
		for i := range s.Quotas.Entries {
			q := &s.Quotas.Entries[i]
			slices.SortFunc(q.Entity, compareQuotaEntity)
			slices.SortFunc(q.Values, func(a, b QuotaValue) int { return cmp.Compare(a.Key, b.Key) })
		}
		slices.SortFunc(s.Quotas.Entries, func(a, b Quota) int { return slices.CompareFunc(a.Entity, b.Entity, compareQuotaEntity) })
	}
	normalizeConnect(s.Connect)
	normalizeWriters(s)
	normalizeSamples(s)
	slices.SortFunc(s.Errors, func(a, b Error) int {
		return cmp.Or(cmp.Compare(a.Scope, b.Scope), cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.Message, b.Message))
	})
	// Empty lists encode as [] rather than null so readers need no special case.
	if s.Topics == nil {
		s.Topics = []Topic{}
	}
	if s.Groups == nil {
		s.Groups = []Group{}
	}
	if s.Cluster.Brokers == nil {
		s.Cluster.Brokers = []Broker{}
	}
}

func compareACL(a, b ACL) int {
	return cmp.Or(
		cmp.Compare(a.ResourceType, b.ResourceType), cmp.Compare(a.ResourceName, b.ResourceName),
		cmp.Compare(a.PatternType, b.PatternType), cmp.Compare(a.Principal, b.Principal),
		cmp.Compare(a.Host, b.Host), cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.Permission, b.Permission),
	)
}

func compareQuotaEntity(a, b QuotaEntity) int {
	// The default entity sorts before named ones of its type.
	return cmp.Or(cmp.Compare(a.Type, b.Type), compareBool(b.Default, a.Default), cmp.Compare(a.Name, b.Name))
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	default:
		return -1
	}
}

// Encode returns the canonical bytes of the snapshot: normalized, indented, newline-terminated.
func Encode(s *Snapshot) ([]byte, error) {
	s.Normalize()
	return Marshal(s)
}

// Marshal returns the canonical bytes of a snapshot that is already normalized (as a build's
// snapshots are once loaded) without touching it, so that others may read it meanwhile: sorting
// writes even when it changes nothing.
func Marshal(s *Snapshot) ([]byte, error) {
	var out bytes.Buffer
	if err := Write(&out, s); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// Write writes what Marshal returns to w. The document is never held whole, compact or indented:
// a large estate's runs to hundreds of megabytes, and a build writes it while its pages render.
func Write(w io.Writer, s *Snapshot) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	// encoding/json's output, byte for byte (the published snapshots' bytes are the contract), from
	// json/v2's encoder, which takes a third of the time on a large estate. Its own indentation
	// is slower than indenting the compact stream as it comes.
	enc := jsonv1.NewEncoder(&indenter{w: bw})
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("encode snapshot of cluster %q: %w", s.Cluster.Name, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write snapshot of cluster %q: %w", s.Cluster.Name, err)
	}
	return nil
}

// indenter takes the compact JSON document an encoder writes (newline-terminated), in pieces
// cut anywhere, and writes it the way json.Indent(dst, src, "", "  ") would.
type indenter struct {
	w        *bufio.Writer
	depth    int
	opened   bool // just after '{' or '[': a newline is due unless the container closes at once
	inString bool
	escaped  bool // inside a string, just after a backslash
}

func (x *indenter) newline() {
	x.w.WriteByte('\n')
	for range x.depth {
		x.w.WriteString("  ")
	}
}

// Write never fails: the bufio.Writer keeps its error for Flush.
func (x *indenter) Write(src []byte) (int, error) {
	for i := 0; i < len(src); i++ {
		if x.inString {
			// Copy the string's run whole: nothing inside it is structure.
			j := i
			for ; j < len(src); j++ {
				if x.escaped {
					x.escaped = false
				} else if src[j] == '\\' {
					x.escaped = true
				} else if src[j] == '"' {
					x.inString = false
					break
				}
			}
			if j == len(src) {
				x.w.Write(src[i:])
				break
			}
			x.w.Write(src[i : j+1])
			i = j
			continue
		}
		c := src[i]
		if x.opened && c != '}' && c != ']' {
			x.opened = false
			x.newline()
		}
		switch c {
		case '"':
			x.w.WriteByte(c)
			x.inString = true
		case '{', '[':
			x.w.WriteByte(c)
			x.depth++
			x.opened = true
		case '}', ']':
			x.depth--
			if x.opened {
				x.opened = false // empty: "{}" or "[]"
			} else {
				x.newline()
			}
			x.w.WriteByte(c)
		case ',':
			x.w.WriteByte(c)
			x.newline()
		case ':':
			x.w.WriteString(": ")
		default: // the encoder's final newline too
			x.w.WriteByte(c)
		}
	}
	return len(src), nil
}

// Decode parses snapshot bytes and checks the format version. Names must match the contract's
// exactly: an unknown or duplicated member is an error, and so is anything after the document.
// The error says where, by line and column, and by the member's path.
func Decode(data []byte) (*Snapshot, error) {
	format, err := formatOf(data)
	if err != nil {
		return nil, fmt.Errorf("not a kdocs snapshot: %w", located(data, err))
	}
	if format != Format {
		if format == "" {
			return nil, fmt.Errorf("not a kdocs snapshot: no \"format\" field (want %q)", Format)
		}
		return nil, fmt.Errorf("snapshot format %q is not supported by this kdocs (it reads %q)", format, Format)
	}
	var s Snapshot
	// json/v2 decodes a large estate's snapshot in a sixth of encoding/json's time.
	if err := json.Unmarshal(data, &s, json.RejectUnknownMembers(true)); err != nil {
		return nil, fmt.Errorf("decode snapshot: %w", located(data, err))
	}
	return &s, nil
}

// located rewrites a JSON error as "line L, column C: what": the byte offset the decoder gives
// means little to someone looking at a 200 MB file in an editor.
func located(data []byte, err error) error {
	var (
		offset  int64
		pointer jsontext.Pointer
		what    string
	)
	var sem *json.SemanticError
	var syn *jsontext.SyntacticError
	switch {
	case errors.As(err, &sem):
		offset, pointer = sem.ByteOffset, sem.JSONPointer
		switch {
		case errors.Is(sem.Err, json.ErrUnknownName):
			what = fmt.Sprintf("unknown field %q", pointer.LastToken())
		case sem.Err != nil:
			what = sem.Err.Error()
		default:
			what = fmt.Sprintf("%s cannot be read into %s", kindName(sem.JSONKind), goTypeName(sem))
		}
	case errors.As(err, &syn):
		offset, pointer = syn.ByteOffset, syn.JSONPointer
		if errors.Is(syn.Err, jsontext.ErrDuplicateName) {
			what = fmt.Sprintf("duplicate field %q", pointer.LastToken())
		} else {
			what = strings.TrimPrefix(syn.Err.Error(), "jsontext: ")
		}
	default:
		return err
	}
	line, col := lineCol(data, offset)
	if pointer != "" {
		return fmt.Errorf("line %d, column %d (at %s): %s", line, col, pointer, what)
	}
	return fmt.Errorf("line %d, column %d: %s", line, col, what)
}

func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 'f', 't':
		return "a boolean"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return "a value"
}

func goTypeName(e *json.SemanticError) string {
	if e.GoType == nil {
		return "its field"
	}
	return e.GoType.String()
}

// lineCol gives the 1-based line and column (in bytes) of the byte at offset.
func lineCol(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = 1 + bytes.Count(before, []byte{'\n'})
	col = 1 + len(before) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, col
}

// formatOf reads the top-level "format" field, which Encode writes first: the version is known
// before the rest of a large file is read, and a file of another version is never decoded.
func formatOf(data []byte) (string, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return "", errors.New("the file is empty")
	}
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.ReadToken(); err != nil {
		return "", err
	} else if tok.Kind() != '{' {
		return "", errors.New("not a JSON object")
	}
	for dec.PeekKind() == '"' {
		key, err := dec.ReadToken()
		if err != nil {
			return "", err
		}
		if key.String() == "format" {
			var f string
			if err := json.UnmarshalDecode(dec, &f); err != nil {
				return "", fmt.Errorf("format: %w", err)
			}
			return f, nil
		}
		if err := dec.SkipValue(); err != nil {
			return "", err
		}
	}
	return "", nil
}

// Load reads and decodes one snapshot file.
func Load(path string) (*Snapshot, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	s, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", path, err)
	}
	return s, nil
}

// Save writes the snapshot atomically: to a temporary file beside path, then renamed over it,
// so a failed run never leaves a truncated file or destroys the previous one.
func Save(path string, s *Snapshot) error {
	data, err := Encode(s)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create snapshot directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".kdocs-snapshot-*")
	if err != nil {
		return fmt.Errorf("create temporary snapshot file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write snapshot %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write snapshot %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write snapshot %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace snapshot %s: %w", path, err)
	}
	return nil
}
