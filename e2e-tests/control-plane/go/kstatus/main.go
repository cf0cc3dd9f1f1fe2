// Command kstatus prints what kstatus (sigs.k8s.io/cli-utils, the library Flux uses for health) computes for each
// object of a JSON list on standard input: one line "<kind>/<name> <status> <message>". MLForge's tests pipe
// `kubectl get ... -o json` into it.
package main

import (
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

func main() {
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	var list struct {
		Items []map[string]interface{} `json:"items"`
	}
	if err := utiljson.Unmarshal(input, &list); err != nil { // integers as int64, as unstructured objects hold them
		fail(err)
	}
	for _, item := range list.Items {
		object := &unstructured.Unstructured{Object: item}
		result, err := status.Compute(object)
		if err != nil {
			fail(err)
		}
		fmt.Printf("%s/%s %s %s\n", object.GetKind(), object.GetName(), result.Status, result.Message)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kstatus:", err)
	os.Exit(2)
}
