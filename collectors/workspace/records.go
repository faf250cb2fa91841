package workspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// User is the part of a directory user (admin#directory#user, an item of
// users.list) the collector reads.
type User struct {
	Kind             string `json:"kind,omitempty"`
	ID               string `json:"id"`
	PrimaryEmail     string `json:"primaryEmail"`
	CustomerID       string `json:"customerId,omitempty"`
	IsAdmin          bool   `json:"isAdmin,omitempty"`
	IsDelegatedAdmin bool   `json:"isDelegatedAdmin,omitempty"`
	Suspended        bool   `json:"suspended,omitempty"`
	Archived         bool   `json:"archived,omitempty"`
	OrgUnitPath      string `json:"orgUnitPath,omitempty"`
	CreationTime     string `json:"creationTime,omitempty"`
	LastLoginTime    string `json:"lastLoginTime,omitempty"`
	IsEnrolledIn2Sv  bool   `json:"isEnrolledIn2Sv,omitempty"`
	// Where locates the record ("tokens.jsonl: line 3", "live: users.list").
	Where string `json:"-"`
}

// Token is an OAuth grant of one user to one app (admin#directory#token,
// an item of tokens.list): never the token itself, which the API does not
// return, only the app, the scopes and the user.
type Token struct {
	Kind        string   `json:"kind,omitempty"`
	ClientID    string   `json:"clientId"`
	DisplayText string   `json:"displayText,omitempty"`
	Scopes      []string `json:"scopes"`
	UserKey     string   `json:"userKey"`
	NativeApp   bool     `json:"nativeApp,omitempty"`
	Anonymous   bool     `json:"anonymous,omitempty"`
	Where       string   `json:"-"`
}

// Records is what the readers produce for the converter.
type Records struct {
	Users  []User
	Tokens []Token
	// Gaps are the gaps of a live collection saved with its records
	// (lines {"gap": {"what", "reason", "where"}}).
	Gaps []graphmodel.Gap
}

// The kinds of the Directory API's resources.
const (
	kindUser      = "admin#directory#user"
	kindToken     = "admin#directory#token"
	kindUsers     = "admin#directory#users"
	kindTokenList = "admin#directory#tokenList"
)

// maxRecordBytes bounds one record, far above any real one.
const maxRecordBytes = 4 << 20

// ReadRecords decodes one file of users.list and tokens.list items: JSON
// Lines (one item per line), a JSON array, or a stream of JSON objects;
// whole responses ({"users": […]}, {"items": […]}) are read too. An item
// is a token when its kind is admin#directory#token or it has a clientId,
// a user when its kind is admin#directory#user or it has a primaryEmail.
// Anything else is a *badinput.Error naming file and line.
func ReadRecords(file string, data []byte) (*Records, error) {
	out := &Records{}
	err := collectors.JSONRecords(file, data, maxRecordBytes, func(place string, raw json.RawMessage) error {
		return readValue(out, file, place, raw, 0)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readValue reads one item, or the items of a whole response.
func readValue(out *Records, file, place string, raw json.RawMessage, depth int) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return badinput.Newf(file, place, "expected a JSON object (a directory user or token)")
	}
	where := file + ": " + place
	var kind string
	if k, ok := fields["kind"]; ok {
		if err := json.Unmarshal(k, &kind); err != nil {
			return badinput.Newf(file, place, "kind is not a string")
		}
	}
	_, hasClient := fields["clientId"]
	_, hasEmail := fields["primaryEmail"]
	g, hasGap := fields["gap"]
	list, hasItems := fields["items"]
	if !hasItems {
		list, hasItems = fields["users"]
	}
	switch {
	case hasGap && len(fields) == 1:
		var gap graphmodel.Gap
		if err := json.Unmarshal(g, &gap); err != nil || gap.What == "" {
			return badinput.Newf(file, place, "a gap record needs {\"what\", \"reason\", \"where\"} strings")
		}
		out.Gaps = append(out.Gaps, gap)
	case kind == kindToken || (kind == "" && hasClient):
		var t Token
		if err := json.Unmarshal(raw, &t); err != nil {
			return badinput.Newf(file, place, "token: %v", fieldError(err))
		}
		if err := t.check(); err != nil {
			return badinput.New(file, place, err)
		}
		t.Where = where
		out.Tokens = append(out.Tokens, t)
	case kind == kindUser || (kind == "" && hasEmail):
		var u User
		if err := json.Unmarshal(raw, &u); err != nil {
			return badinput.Newf(file, place, "user: %v", fieldError(err))
		}
		if err := u.check(); err != nil {
			return badinput.New(file, place, err)
		}
		u.Where = where
		out.Users = append(out.Users, u)
	case hasItems && depth == 0 && (kind == "" || kind == kindUsers || kind == kindTokenList):
		var items []json.RawMessage
		if string(list) != "null" {
			if err := json.Unmarshal(list, &items); err != nil {
				return badinput.Newf(file, place, "the response's items are not a list")
			}
		}
		for _, item := range items {
			if err := readValue(out, file, place, item, depth+1); err != nil {
				return err
			}
		}
	default:
		return badinput.Newf(file, place, "neither a directory user (%s, with primaryEmail) nor a token (%s, with clientId)", kindUser, kindToken)
	}
	return nil
}

// fieldError names the field of a type error.
func fieldError(err error) error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) && typ.Field != "" {
		return fmt.Errorf("%s: expected %s, found JSON %s", typ.Field, typ.Type, typ.Value)
	}
	return err
}

// check validates a token: a client id fit for an ID, a user, scopes.
func (t *Token) check() error {
	if strings.TrimSpace(t.ClientID) == "" {
		return errors.New("token has no clientId")
	}
	if hasSpaceOrControl(t.ClientID) || len(t.ClientID) > 256 {
		return fmt.Errorf("token clientId %q is not a client id", t.ClientID)
	}
	if strings.TrimSpace(t.UserKey) == "" {
		return fmt.Errorf("token of %s has no userKey (save tokens.list items as the API returns them)", t.ClientID)
	}
	if hasSpaceOrControl(t.UserKey) {
		return fmt.Errorf("token of %s: userKey %q is not a user id or address", t.ClientID, t.UserKey)
	}
	for _, s := range t.Scopes {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("token of %s has an empty scope", t.ClientID)
		}
	}
	return nil
}

// check validates a user: an address.
func (u *User) check() error {
	if !strings.Contains(u.PrimaryEmail, "@") || hasSpaceOrControl(u.PrimaryEmail) {
		return fmt.Errorf("user %q: primaryEmail %q is not an address", u.ID, u.PrimaryEmail)
	}
	return nil
}

// hasSpaceOrControl reports whether s holds white space or a control character.
func hasSpaceOrControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0
}
