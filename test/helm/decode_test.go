package helm_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// The prometheus-operator types are not imported (that module would pull a second
// Kubernetes client stack into go.mod). These structs hold exactly the subset of
// monitoring.coreos.com/v1 that the chart renders, so strict decoding still rejects any
// field the chart adds by mistake; the CRD itself is not checked here.
type monitorEndpoint struct {
	Port     string `json:"port"`
	Path     string `json:"path"`
	Interval string `json:"interval"`
}

type serviceMonitor struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Selector  metav1.LabelSelector `json:"selector"`
		Endpoints []monitorEndpoint    `json:"endpoints"`
	} `json:"spec"`
}

type podMonitor struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Selector            metav1.LabelSelector `json:"selector"`
		PodMetricsEndpoints []monitorEndpoint    `json:"podMetricsEndpoints"`
	} `json:"spec"`
}

// kinds maps "apiVersion kind" to a constructor of its Go type: any other kind is an error.
var kinds = map[string]func() any{
	"v1 ConfigMap":                             func() any { return &corev1.ConfigMap{} },
	"v1 Service":                               func() any { return &corev1.Service{} },
	"v1 ServiceAccount":                        func() any { return &corev1.ServiceAccount{} },
	"apps/v1 Deployment":                       func() any { return &appsv1.Deployment{} },
	"apps/v1 StatefulSet":                      func() any { return &appsv1.StatefulSet{} },
	"apps/v1 DaemonSet":                        func() any { return &appsv1.DaemonSet{} },
	"autoscaling/v2 HorizontalPodAutoscaler":   func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"policy/v1 PodDisruptionBudget":            func() any { return &policyv1.PodDisruptionBudget{} },
	"networking.k8s.io/v1 NetworkPolicy":       func() any { return &networkingv1.NetworkPolicy{} },
	"rbac.authorization.k8s.io/v1 Role":        func() any { return &rbacv1.Role{} },
	"rbac.authorization.k8s.io/v1 RoleBinding": func() any { return &rbacv1.RoleBinding{} },
	"monitoring.coreos.com/v1 ServiceMonitor":  func() any { return &serviceMonitor{} },
	"monitoring.coreos.com/v1 PodMonitor":      func() any { return &podMonitor{} },
}

type object struct {
	kind, name string
	obj        any
}

// decodeAll splits a rendered manifest into documents and decodes each strictly (duplicate
// keys and unknown fields are errors) into its Kubernetes Go type.
func decodeAll(t *testing.T, manifest string) []object {
	t.Helper()
	var out []object
	reader := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(manifest)))
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		obj, kind, err := decodeStrict(doc)
		require.NoError(t, err, "document:\n%s", doc)
		if obj == nil {
			continue // only comments
		}
		out = append(out, object{kind: kind, name: obj.(metav1.Object).GetName(), obj: obj})
	}
	return out
}

func decodeStrict(doc []byte) (any, string, error) {
	js, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return nil, "", err
	}
	if bytes.Equal(bytes.TrimSpace(js), []byte("null")) {
		return nil, "", nil
	}
	var meta metav1.TypeMeta
	if err := json.Unmarshal(js, &meta); err != nil {
		return nil, "", err
	}
	newObj, ok := kinds[meta.APIVersion+" "+meta.Kind]
	if !ok {
		return nil, "", fmt.Errorf("unexpected object %s %s", meta.APIVersion, meta.Kind)
	}
	obj := newObj()
	// sigs.k8s.io/json, as the API server decodes: field names match case-sensitively
	// (encoding/json's DisallowUnknownFields would accept "clusterIp" for "clusterIP").
	strictErrs, err := sigsjson.UnmarshalStrict(js, obj, sigsjson.DisallowDuplicateFields, sigsjson.DisallowUnknownFields)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", meta.Kind, err)
	}
	if len(strictErrs) > 0 {
		return nil, "", fmt.Errorf("%s: %w", meta.Kind, errors.Join(strictErrs...))
	}
	return obj, meta.Kind, nil
}

// podSpecs returns the pod template of a workload, with its labels.
func podTemplate(obj any) (*corev1.PodTemplateSpec, bool) {
	switch w := obj.(type) {
	case *appsv1.Deployment:
		return &w.Spec.Template, true
	case *appsv1.StatefulSet:
		return &w.Spec.Template, true
	case *appsv1.DaemonSet:
		return &w.Spec.Template, true
	}
	return nil, false
}

func podSpecs(obj any) []corev1.PodSpec {
	if tpl, ok := podTemplate(obj); ok {
		return []corev1.PodSpec{tpl.Spec}
	}
	return nil
}

func TestRenderedObjectsDecodeStrictly(t *testing.T) {
	for name, file := range examples(t) {
		t.Run(name, func(t *testing.T) {
			objs := decodeAll(t, renderExample(t, name, file))
			require.NotEmpty(t, objs)
			seen := map[string]bool{}
			for _, o := range objs {
				key := o.kind + "/" + o.name
				assert.False(t, seen[key], "%s rendered twice", key)
				seen[key] = true
				assert.Equal(t, namespace, o.obj.(metav1.Object).GetNamespace(), "%s has no namespace", key)
			}
		})
	}
}

// TestWorkloadInvariants checks what the chart promises for every example: hardened pods,
// probes on health_check, GOMEMLIMIT under a memory limit, and references that resolve
// (Services and PDBs select a workload whose ports they name, HPAs target a workload,
// pods mount ConfigMaps that exist).
func TestWorkloadInvariants(t *testing.T) {
	for name, file := range examples(t) {
		t.Run(name, func(t *testing.T) {
			objs := decodeAll(t, renderExample(t, name, file))
			workloads := map[string]*corev1.PodTemplateSpec{}
			configMaps := map[string]bool{}
			for _, o := range objs {
				if tpl, ok := podTemplate(o.obj); ok {
					workloads[o.kind+"/"+o.name] = tpl
				}
				if o.kind == "ConfigMap" {
					configMaps[o.name] = true
				}
			}
			require.NotEmpty(t, workloads)
			selectedBy := func(sel map[string]string) []*corev1.PodTemplateSpec {
				var out []*corev1.PodTemplateSpec
				for _, tpl := range workloads {
					if len(sel) > 0 && labels.SelectorFromSet(sel).Matches(labels.Set(tpl.Labels)) {
						out = append(out, tpl)
					}
				}
				return out
			}

			for key, tpl := range workloads {
				spec := tpl.Spec
				psc := spec.SecurityContext
				require.NotNil(t, psc, key)
				assert.True(t, psc.RunAsNonRoot != nil && *psc.RunAsNonRoot, "%s: pod runAsNonRoot", key)
				assert.True(t, psc.RunAsUser != nil && *psc.RunAsUser == 10001, "%s: pod runAsUser 10001", key)
				for _, v := range spec.Volumes {
					if v.ConfigMap != nil {
						assert.True(t, configMaps[v.ConfigMap.Name], "%s mounts ConfigMap %s, which is not rendered", key, v.ConfigMap.Name)
					}
				}
				require.Len(t, spec.Containers, 1, key)
				c := spec.Containers[0]
				sc := c.SecurityContext
				require.NotNil(t, sc, key)
				assert.True(t, sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem, "%s: readOnlyRootFilesystem", key)
				assert.True(t, sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation, "%s: allowPrivilegeEscalation false", key)
				assert.True(t, sc.RunAsUser != nil && *sc.RunAsUser == 10001, "%s: runAsUser 10001", key)
				require.NotNil(t, sc.Capabilities, key)
				assert.Equal(t, []corev1.Capability{"ALL"}, sc.Capabilities.Drop, "%s: drop ALL capabilities", key)

				ports := map[string]corev1.ContainerPort{}
				for _, p := range c.Ports {
					ports[p.Name] = p
				}
				assert.Equal(t, int32(13133), ports["health"].ContainerPort, "%s: health_check port", key)
				for _, probe := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe} {
					require.NotNil(t, probe, "%s: probes", key)
					require.NotNil(t, probe.HTTPGet, key)
					assert.Equal(t, "health", probe.HTTPGet.Port.String(), "%s: probes on health_check", key)
				}
				hasLimit := c.Resources.Limits.Memory() != nil && !c.Resources.Limits.Memory().IsZero()
				hasGoMemLimit := false
				for _, e := range c.Env {
					hasGoMemLimit = hasGoMemLimit || e.Name == "GOMEMLIMIT"
				}
				assert.Equal(t, hasLimit, hasGoMemLimit, "%s: GOMEMLIMIT exactly when there is a memory limit", key)
			}

			for _, o := range objs {
				switch obj := o.obj.(type) {
				case *corev1.Service:
					selected := selectedBy(obj.Spec.Selector)
					require.Len(t, selected, 1, "Service %s must select exactly one workload", obj.Name)
					names := map[string]corev1.ContainerPort{}
					for _, p := range selected[0].Spec.Containers[0].Ports {
						names[p.Name] = p
					}
					for _, p := range obj.Spec.Ports {
						cp, ok := names[p.TargetPort.String()]
						if assert.True(t, ok, "Service %s port %s targets no container port", obj.Name, p.Name) {
							assert.Equal(t, cp.Protocol, p.Protocol, "Service %s port %s protocol", obj.Name, p.Name)
							assert.Equal(t, cp.ContainerPort, p.Port, "Service %s port %s number", obj.Name, p.Name)
						}
					}
				case *policyv1.PodDisruptionBudget:
					assert.Len(t, selectedBy(obj.Spec.Selector.MatchLabels), 1, "PDB %s must select exactly one workload", obj.Name)
				case *autoscalingv2.HorizontalPodAutoscaler:
					ref := obj.Spec.ScaleTargetRef
					assert.Contains(t, workloads, ref.Kind+"/"+ref.Name, "HPA %s targets a workload that is not rendered", obj.Name)
					assert.NotEmpty(t, obj.Spec.Metrics, "HPA %s has no metric", obj.Name)
				case *appsv1.StatefulSet:
					found := false
					for _, s := range objs {
						if svc, ok := s.obj.(*corev1.Service); ok && svc.Name == obj.Spec.ServiceName {
							found = svc.Spec.ClusterIP == corev1.ClusterIPNone
						}
					}
					assert.True(t, found, "StatefulSet %s: serviceName %s must be a rendered headless Service", obj.Name, obj.Spec.ServiceName)
				}
			}
		})
	}
}

// TestDecodeStrictRejects: the decoder used above refuses what the API server would
// silently drop or reject, so the other tests cannot pass on a misspelt field.
func TestDecodeStrictRejects(t *testing.T) {
	for name, doc := range map[string]string{
		"unknown field":   "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {clusterIp: None}\n",
		"duplicate key":   "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {type: ClusterIP, type: NodePort}\n",
		"wrong type":      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: two}\n",
		"unexpected kind": "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := decodeStrict([]byte(doc))
			assert.Error(t, err)
		})
	}
}
