package config

import (
	"bytes"
	"cmp"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Caps on what okta.LoadConfiguration reads: an okta.yaml or a private key is a
// few KiB; a path to /dev/zero or a huge file must not exhaust memory.
const (
	MaxConfigFileSize = 1 << 20  // an okta.yaml
	MaxKeyFileSize    = 64 << 10 // a private key or token file
)

// The causes of a file the loader will not read, in Problem.Err.
var (
	ErrNotRegular = errors.New("not a regular file")
	ErrTooLarge   = errors.New("file too large")
)

// readSmallFile reads a regular file of at most limit bytes. It opens
// nothing else, so that a FIFO or a device cannot hang or flood the loader;
// and since the path may be swapped for one between the check and the
// opening, it opens without blocking (openFlags) and checks again what it
// opened.
func readSmallFile(path string, limit int64) ([]byte, fs.FileMode, error) {
	if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
		return nil, 0, cmp.Or(err, ErrNotRegular)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() {
		return nil, 0, ErrNotRegular
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, 0, err
	}
	if int64(len(data)) > limit {
		return nil, 0, ErrTooLarge
	}
	return data, fi.Mode(), nil
}

// fileProblem says why a file could not be read: a reason, and a cause to
// match with errors.Is that holds no path.
func fileProblem(err error) (string, error) {
	for _, p := range []struct {
		cause  error
		reason string
	}{
		{fs.ErrNotExist, "does not exist"},
		{fs.ErrPermission, "cannot be read: permission denied"},
		{ErrNotRegular, "is not a regular file"},
		{ErrTooLarge, "is too large"},
	} {
		if errors.Is(err, p.cause) {
			return p.reason, p.cause
		}
	}
	return "cannot be read", nil
}

// warnIfReadable logs a Warn record when every user may read the file,
// which holds a secret. Windows reports no such permission bits.
func (l *loader) warnIfReadable(path string, mode fs.FileMode, what string) {
	if runtime.GOOS != "windows" && mode.Perm()&0o004 != 0 {
		l.warn("okta: "+what+" is readable by every user; restrict it, such as with chmod 600",
			"file", path, "mode", mode.Perm().String())
	}
}

// readSecretFile reads the file at path, relative to the working directory
// of WithWorkDir, that holds a secret (what: "token" or "private key"), and
// warns when every user may read it. Errors name neither the path nor its
// text: a key given inline without PEM armour would otherwise be printed as
// a path.
func (l *loader) readSecretFile(path, what string) (string, *Problem) {
	if !filepath.IsAbs(path) {
		path = filepath.Join(l.Work, path)
	}
	text, mode, e := ReadKeyFile(path, what)
	if e != nil {
		return "", e
	}
	l.warnIfReadable(path, mode, "the "+what+" file")
	return text, nil
}

// ReadKeyFile reads the file at path that holds a secret (what: "token" or
// "private key"), and returns its text without surrounding space (a final
// newline, CRLF) or a leading UTF-8 byte-order mark, which Windows editors
// write and which would make the token or the PEM unusable. Its
// *Problem has no source and names neither the path nor the text.
func ReadKeyFile(path, what string) (string, fs.FileMode, *Problem) {
	data, mode, err := readSmallFile(path, MaxKeyFileSize)
	if err != nil {
		reason, cause := fileProblem(err)
		return "", 0, &Problem{Err: cause, Reason: "names a " + what + " file that " + reason}
	}
	return strings.TrimSpace(strings.TrimPrefix(string(data), byteOrderMark)), mode, nil
}

// byteOrderMark is the UTF-8 encoding of U+FEFF, with which some editors
// start a text file.
const byteOrderMark = "\ufeff"

// loadFile applies the okta.yaml at path to c; a missing file is skipped.
func (l *loader) loadFile(c *Fields, path string) {
	data, mode, err := readSmallFile(path, MaxConfigFileSize)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		reason, _ := fileProblem(err)
		l.Problems = append(l.Problems, &Problem{Source: path, Reason: reason, Err: err})
		return
	}
	if l.parseYAML(c, path, data) {
		l.warnIfReadable(path, mode, "the configuration file holding a secret")
	}
}

// parseYAML applies the okta.client settings of one YAML document to c and
// reports whether it holds a token or a private key.
func (l *loader) parseYAML(c *Fields, path string, data []byte) bool {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		return false
	}
	if err == nil {
		var more yaml.Node
		switch err = dec.Decode(&more); {
		case err == nil:
			l.Problems = append(l.Problems, &Problem{Source: path, Reason: "holds more than one YAML document; want one"})
			return false
		case errors.Is(err, io.EOF):
			err = nil
		}
	}
	if err != nil {
		l.Problems = append(l.Problems, &Problem{Source: path, Reason: "is not valid YAML: " + yamlProblem(err)})
		return false
	}
	f := &yamlFile{l: l, c: c, path: path}
	if len(doc.Content) > 0 {
		f.mapping("", doc.Content[0], f.top)
	}
	return f.secret
}

// yamlQuoted matches a span a YAML error message quotes, to its end when the
// quote is not closed.
var yamlQuoted = regexp.MustCompile(`'[^']*(?:'|$)|"[^"]*(?:"|$)`)

// yamlProblem returns the message of a YAML parse error with every quoted
// span of more than one character cut to '...': the parser quotes names from
// the file, such as the anchor of token: *00abc…, which may be a value. The
// line number and the one-character quotes (did not find expected ',' or ']')
// stay. The error itself is not kept, for the same reason.
func yamlProblem(err error) string {
	return yamlQuoted.ReplaceAllStringFunc(err.Error(), func(q string) string {
		if len(q) == 3 && q[0] == q[2] {
			return q
		}
		return "'...'"
	})
}

// yamlFile walks one YAML document.
type yamlFile struct {
	l      *loader
	c      *Fields
	path   string
	secret bool
}

// deref follows an alias to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// isNull reports whether n, dereferenced, is missing or a YAML null.
func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n.Kind == 0 || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// inClient reports whether the dotted key names okta.client or a key in it.
func inClient(key string) bool {
	return key == "okta.client" || strings.HasPrefix(key, "okta.client.")
}

// mapping calls each with the dotted key and the value of every pair of n,
// the mapping at key prefix. A null is an empty mapping.
//
// A key with dots in it that lands in okta.client, such as
// rateLimit.maxRetries written as one key, is refused: okta-sdk-golang reads
// only nested keys, and such a key would dodge the "is set twice" check
// beside the nested one.
func (f *yamlFile) mapping(prefix string, n *yaml.Node, each func(key string, v *yaml.Node)) {
	n = deref(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		f.l.Problems = append(f.l.Problems, &Problem{Source: f.path, Key: prefix, Reason: "is not a mapping; want keys such as okta.client.orgUrl"})
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		key := strings.TrimPrefix(prefix+"."+shownName(k.Value), ".")
		switch {
		case k.Kind != yaml.ScalarNode:
			f.l.Problems = append(f.l.Problems, &Problem{Source: f.path, Key: prefix, Reason: "has a key that is not a string"})
		case strings.Contains(k.Value, ".") && inClient(strings.TrimPrefix(prefix+"."+k.Value, ".")):
			f.l.Problems = append(f.l.Problems, &Problem{Source: f.path, Key: key,
				Reason: "is one key with dots in it; nest each part under the one before, as in rateLimit: then maxRetries: indented below it"})
		case seen[k.Value]:
			f.l.Problems = append(f.l.Problems, &Problem{Source: f.path, Key: key, Reason: "is set twice; keep one"})
		default:
			seen[k.Value] = true
			each(key, n.Content[i+1])
		}
	}
}

// top walks the document's top level.
func (f *yamlFile) top(key string, v *yaml.Node) {
	if key != "okta" {
		f.unknown(key)
		return
	}
	f.mapping(key, v, func(key string, v *yaml.Node) {
		switch key {
		case "okta.client":
			f.mapping(key, v, f.client)
		case "okta.idx", "okta.testing":
			// Sections of Okta's other SDKs, which may share the file.
		default:
			f.unknown(key)
		}
	})
}

// client applies one key under okta.client, or walks into rateLimit.
func (f *yamlFile) client(key string, v *yaml.Node) {
	name := strings.TrimPrefix(key, "okta.client.")
	byKey := func(s *setting) string { return s.key }
	if s := settingBy(byKey, name); s != nil {
		val, e := yamlValue(v)
		if e != nil {
			f.l.record(e, f.path, key, s.field)
			return
		}
		f.secret = f.secret || s.field == "APIToken" || s.field == "PrivateKey" && IsInlineKey(val.text)
		f.l.apply(f.c, s, f.path, key, val)
		return
	}
	if name == "proxy" && (isNull(v) || deref(v).Kind == yaml.MappingNode) {
		f.mapping(key, v, f.client) // proxy.host... are sdkSettings
		return
	}
	if name == "rateLimit" {
		if n := deref(v); isNull(n) || n.Kind == yaml.MappingNode && len(n.Content) == 0 {
			f.l.Problems = append(f.l.Problems, &Problem{Source: f.path, Key: key,
				Reason: "is empty; give maxRetries or maxBackoff under it, or remove it"})
			return
		}
		f.mapping(key, v, f.client)
		return
	}
	if n := deref(v); !f.l.sdkSetting(f.path, key, name, !isNull(n) && (n.Kind != yaml.ScalarNode || strings.TrimSpace(n.Value) != "")) {
		f.unknown(key)
	}
}

// unknown reports a key no setting has.
func (f *yamlFile) unknown(key string) {
	f.l.unknown(&Problem{Source: f.path, Key: key, Reason: "is not a key this client reads" +
		didYouMean(strings.TrimPrefix(key, "okta.client."), yamlKeys())})
}

// errTagged is the reason for a value with a YAML tag okta.LoadConfiguration does
// not read (any but !!str, !!int, !!null and !!seq); it names no tag, which
// may be a value (token: !00abc… x).
const errTagged = "has a YAML tag other than !!str, !!int, !!null or !!seq, such as !!binary; give plain text"

// yamlText returns the text of a scalar, "" for a null, and false for one
// tagged as a type other than text or a whole number: !!binary YWJj is not the
// text YWJj. An untagged scalar keeps its text whatever YAML resolves it to,
// so that a key id such as 123e4567 stays text.
func yamlText(n *yaml.Node) (string, bool) {
	switch tag := n.ShortTag(); {
	case tag == "!!null":
		return "", true
	case n.Style&yaml.TaggedStyle == 0, tag == "!!str", tag == "!!int":
		return n.Value, true
	}
	return "", false
}

// yamlValue returns the text of a scalar or the items of a list of scalars.
func yamlValue(n *yaml.Node) (value, *Problem) {
	n = deref(n)
	switch n.Kind {
	case yaml.ScalarNode:
		text, ok := yamlText(n)
		if !ok {
			return value{}, invalid(errTagged)
		}
		return value{text: text}, nil
	case yaml.SequenceNode:
		if n.Style&yaml.TaggedStyle != 0 && n.ShortTag() != "!!seq" {
			return value{}, invalid(errTagged)
		}
		v := value{isList: true}
		for _, item := range n.Content {
			if item = deref(item); item.Kind != yaml.ScalarNode {
				return value{}, invalid("is a list of something other than plain values")
			}
			text, ok := yamlText(item)
			if !ok {
				return value{}, invalid(errTagged)
			}
			v.list = append(v.list, text)
		}
		return v, nil
	}
	return value{}, invalid("is a mapping; want a value")
}
