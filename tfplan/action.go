package tfplan

import (
	"fmt"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// Action is what a plan does to one resource instance, as this package
// applies it.
type Action string

// The actions applied. A replacement (["delete","create"] or
// ["create","delete"]) deletes the old object and creates the new one.
const (
	ActionCreate  Action = "create"
	ActionUpdate  Action = "update"
	ActionReplace Action = "replace"
	ActionDelete  Action = "delete"
	// ActionNone is a change that changes nothing in AWS: no-op, read (a
	// data source) and forget (removed from the state, not destroyed).
	ActionNone Action = "none"
)

// actionOf maps the actions of a change representation to an Action; a
// combination Terraform does not write is an error.
func actionOf(actions tfjson.Actions) (Action, error) {
	names := make([]string, len(actions))
	for i, a := range actions {
		names[i] = string(a)
	}
	switch strings.Join(names, ",") {
	case "no-op", "read", "forget":
		return ActionNone, nil
	case "create":
		return ActionCreate, nil
	case "update":
		return ActionUpdate, nil
	case "delete":
		return ActionDelete, nil
	case "delete,create", "create,delete":
		return ActionReplace, nil
	case "":
		return "", fmt.Errorf("no actions")
	}
	return "", fmt.Errorf("unknown actions %q (want no-op, create, read, update, delete, forget, or delete and create)", names)
}
