// Package deploy holds TinyMMO's deployment files, not Go code: the
// container image (Dockerfile), a one-machine cluster (docker-compose.yml),
// a systemd unit (systemd/) and Kubernetes manifests (k8s/). Its tests lint
// them offline against the tinymmo binary's real commands and flags; see
// docs/operations.md, "Deploying".
package deploy
