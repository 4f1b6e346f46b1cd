// Validates Kubernetes manifests offline: node validate.js < manifests.yaml (a multi-document stream,
// e.g. `kubectl kustomize deploy/k8s`). Each document is checked against the JSON schema that
// kubernetes-models generates from Kubernetes' OpenAPI spec (types, required fields, enums, formats;
// unknown fields are not flagged), then against the bridge's own deployment rules.
'use strict';
const fs = require('fs');
const YAML = require('yaml');

const docs = YAML.parseAllDocuments(fs.readFileSync(0, 'utf8')).map(d => {
  if (d.errors.length) throw new Error('YAML: ' + d.errors.map(e => e.message).join('; '));
  return d.toJS();
}).filter(d => d);
let failures = 0;
const fail = (doc, msg) => { failures++; console.error(`FAIL ${doc.kind}/${doc.metadata && doc.metadata.name}: ${msg}`); };

for (const doc of docs) {
  const [group, version] = doc.apiVersion.includes('/') ? doc.apiVersion.split('/') : [null, doc.apiVersion];
  const path = `kubernetes-models/${group ? group + '/' : ''}${version}/${doc.kind}`;
  let Model;
  try {
    Model = require(path)[doc.kind];
  } catch (e) {
    fail(doc, `no schema for ${doc.apiVersion} ${doc.kind} (${path})`);
    continue;
  }
  try {
    new Model(doc).validate();
    console.log(`ok   ${doc.apiVersion} ${doc.kind}/${doc.metadata.name}`);
  } catch (e) {
    fail(doc, e.message);
  }
  if (doc.kind === 'StatefulSet' || doc.kind === 'Deployment') rules(doc);
}

/** The bridge's own rules (issue 22): probes on the admin port, termination longer than the drain. */
function rules(doc) {
  const pod = doc.spec.template.spec;
  const c = pod.containers.find(x => x.name === 'bridge');
  const env = Object.fromEntries((c.env || []).filter(e => 'value' in e).map(e => [e.name, e.value]));
  const adminPort = Number(env.ADMIN_PORT);
  if (!adminPort) fail(doc, 'ADMIN_PORT is not set');
  const admin = (c.ports || []).find(p => p.containerPort === adminPort);
  for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
    const port = c[probe] && c[probe].httpGet && c[probe].httpGet.port;
    if (!(port === adminPort || (admin && port === admin.name))) fail(doc, `${probe} is not on the admin port`);
  }
  if (c.readinessProbe.httpGet.path !== '/health/ready') fail(doc, 'readinessProbe must GET /health/ready');
  const grace = Number(env.SHUTDOWN_GRACE_MS || 10000);
  if (!((pod.terminationGracePeriodSeconds || 30) * 1000 > grace + 12000)) {
    fail(doc, `terminationGracePeriodSeconds must exceed SHUTDOWN_GRACE_MS (${grace} ms) plus about 12 s`);
  }
  if (!env.CLUSTER_KUBERNETES_SERVICE_DNS) fail(doc, 'CLUSTER_KUBERNETES_SERVICE_DNS is not set');
  if (!(c.resources && c.resources.requests && c.resources.requests.cpu && c.resources.requests.memory)) {
    fail(doc, 'resource requests are missing');
  }
}

console.log(`${docs.length - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
