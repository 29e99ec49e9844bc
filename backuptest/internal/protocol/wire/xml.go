package wire

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"reflect"
	"strings"

	"github.com/backupkit/backupkit/backuptest/internal/protocol/model"
)

// EncodeXMLFields writes the body members of struct v as XML elements,
// named by m (locationName) or else by the Go field name. Lists are
// wrapped (<Name><member>…</member></Name>, the item name from the model)
// or flattened; members bound to headers, labels or the query string are
// left out.
func EncodeXMLFields(buf *bytes.Buffer, v reflect.Value, m *model.Model) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	typeName := v.Type().Name()
	for _, f := range Fields(v.Type()) {
		fv := v.Field(f.Index)
		if absent(fv) {
			continue
		}
		mb := m.Member(typeName, f.Name)
		if mb.Location != "" {
			continue
		}
		name := mb.Name
		if name == "" {
			name = f.Name
		}
		EncodeXMLValue(buf, name, fv, mb, m)
	}
}

// EncodeXMLValue writes one member's value as element name.
func EncodeXMLValue(buf *bytes.Buffer, name string, v reflect.Value, mb model.Member, m *model.Model) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if IsScalar(v.Type()) {
		s, ok := FormatScalar(v)
		if !ok && v.Kind() != reflect.String {
			return
		}
		WriteElem(buf, name, s)
		return
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		item := mb.Item
		if item == "" {
			item = "member"
		}
		if mb.Flat {
			for i := 0; i < v.Len(); i++ {
				EncodeXMLValue(buf, name, v.Index(i), model.Member{}, m)
			}
			return
		}
		open(buf, name)
		for i := 0; i < v.Len(); i++ {
			EncodeXMLValue(buf, item, v.Index(i), model.Member{}, m)
		}
		closeElem(buf, name)
	case reflect.Map:
		open(buf, name)
		iter := v.MapRange()
		for iter.Next() {
			buf.WriteString("<entry>")
			WriteElem(buf, "key", iter.Key().String())
			EncodeXMLValue(buf, "value", iter.Value(), model.Member{}, m)
			buf.WriteString("</entry>")
		}
		closeElem(buf, name)
	case reflect.Struct:
		open(buf, name)
		EncodeXMLFields(buf, v, m)
		closeElem(buf, name)
	}
}

func open(buf *bytes.Buffer, name string) {
	buf.WriteByte('<')
	buf.WriteString(name)
	buf.WriteByte('>')
}

func closeElem(buf *bytes.Buffer, name string) {
	buf.WriteString("</")
	buf.WriteString(name)
	buf.WriteByte('>')
}

// WriteElem writes <name>text</name>, escaping text.
func WriteElem(buf *bytes.Buffer, name, text string) {
	open(buf, name)
	_ = xml.EscapeText(buf, []byte(text))
	closeElem(buf, name)
}

// Node is an element of a parsed XML document.
type Node struct {
	Name     string
	Text     string
	Children []*Node
}

// Child returns the first child named name.
func (n *Node) Child(name string) *Node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// maxXMLDepth bounds nesting, so a hostile body cannot exhaust the stack.
const maxXMLDepth = 64

// ParseXML reads an XML document into its root node. Namespaces are
// dropped (clients do not rely on them); text is the concatenated
// character data of an element.
func ParseXML(body []byte) (*Node, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	var stack []*Node
	var root *Node
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, Errorf("request body is not well-formed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, Errorf("request body has more than one XML root element")
			}
			if len(stack) >= maxXMLDepth {
				return nil, Errorf("request body nests XML deeper than %d elements", maxXMLDepth)
			}
			n := &Node{Name: t.Name.Local}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, Errorf("request body is not well-formed XML")
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			}
		}
	}
	if root == nil {
		return nil, Errorf("request body has no XML element")
	}
	return root, nil
}

// AssignXML sets the body fields of struct v from the children of n.
func AssignXML(v reflect.Value, n *Node, m *model.Model, path string) error {
	typeName := v.Type().Name()
	for _, f := range Fields(v.Type()) {
		mb := m.Member(typeName, f.Name)
		if mb.Location != "" {
			continue
		}
		name := mb.Name
		if name == "" {
			name = f.Name
		}
		fv := v.Field(f.Index)
		p := joinPath(path, name)
		elemType := fv.Type()
		if elemType.Kind() == reflect.Slice && elemType != bytesType {
			var items []*Node
			if mb.Flat {
				for _, c := range n.Children {
					if c.Name == name {
						items = append(items, c)
					}
				}
			} else if c := n.Child(name); c != nil {
				items = c.Children
			} else {
				continue
			}
			s := reflect.MakeSlice(elemType, len(items), len(items))
			for i, it := range items {
				if err := assignXMLValue(s.Index(i), it, m, p); err != nil {
					return err
				}
			}
			fv.Set(s)
			continue
		}
		c := n.Child(name)
		if c == nil {
			continue
		}
		if err := assignXMLValue(fv, c, m, p); err != nil {
			return err
		}
	}
	return nil
}

func assignXMLValue(f reflect.Value, n *Node, m *model.Model, path string) error {
	if IsScalar(f.Type()) {
		return SetScalar(f, strings.TrimSpace(n.Text), path)
	}
	if f.Kind() == reflect.Pointer {
		nv := reflect.New(f.Type().Elem())
		if err := assignXMLValue(nv.Elem(), n, m, path); err != nil {
			return err
		}
		f.Set(nv)
		return nil
	}
	switch f.Kind() {
	case reflect.Struct:
		return AssignXML(f, n, m, path)
	case reflect.Map:
		if f.Type().Key().Kind() != reflect.String {
			return Errorf("%s: unsupported map key", path)
		}
		mv := reflect.MakeMap(f.Type())
		for _, e := range n.Children {
			k, val := e.Child("key"), e.Child("value")
			if k == nil || val == nil {
				return Errorf("%s: map entry without key or value", path)
			}
			ev := reflect.New(f.Type().Elem()).Elem()
			if err := assignXMLValue(ev, val, m, path+"."+k.Text); err != nil {
				return err
			}
			mv.SetMapIndex(reflect.ValueOf(k.Text).Convert(f.Type().Key()), ev)
		}
		f.Set(mv)
	case reflect.Slice:
		s := reflect.MakeSlice(f.Type(), len(n.Children), len(n.Children))
		for i, c := range n.Children {
			if err := assignXMLValue(s.Index(i), c, m, path); err != nil {
				return err
			}
		}
		f.Set(s)
	case reflect.Interface:
		return nil
	default:
		return Errorf("%s: unsupported member type %s", path, f.Type())
	}
	return nil
}
