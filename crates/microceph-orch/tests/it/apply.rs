//! `apply` and `plan apply` with spec files: what changes, what is stored with `ceph config-key set`, and what a bad file says.

use crate::support::{Lab, masked};

const RGW: &str = "service_type: rgw\nservice_id: foo\nplacement:\n  hosts:\n    - node2\n    - node3\nspec:\n  rgw_frontend_port: 8080\n";

/// The rgw daemons as `ps` lists them, one `name host` per line.
fn rgw_daemons(lab: &Lab) -> Vec<String> {
    lab.run(&["--no-ceph", "ps", "--daemon-type", "rgw"])
        .stdout
        .lines()
        .skip(1)
        .map(|line| {
            line.split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[test]
fn apply_changes_microceph_and_stores_the_spec_where_the_module_keeps_it() {
    let lab = Lab::start();
    let file = lab.write("rgw.yaml", RGW);
    let applied = lab.run(&["apply", file.to_str().unwrap()]);
    assert_eq!(
        (
            applied.status,
            applied.stdout.as_str(),
            applied.stderr.as_str()
        ),
        (0, "rgw.foo: enabled rgw on node2, node3\n", "")
    );
    assert_eq!(rgw_daemons(&lab), ["rgw.node2 node2", "rgw.node3 node3"]);
    let stored = r#"{"placement": {"hosts": ["node2", "node3"]}, "service_id": "foo", "service_type": "rgw", "spec": {"rgw_frontend_port": 8080}}"#;
    assert_eq!(
        lab.stored(),
        [("mgr/microceph/spec.rgw.foo".to_owned(), stored.to_owned())]
    );
    assert_eq!(
        lab.ceph_calls(),
        [
            "config-key dump mgr/microceph/spec. --format json".to_owned(),
            format!("config-key set mgr/microceph/spec.rgw.foo {stored}"),
        ]
    );
    let listed = lab.run(&["ls", "rgw"]);
    assert_eq!(
        masked(&listed.stdout),
        "NAME     PORTS   RUNNING  REFRESHED  AGE  PLACEMENT\nrgw.foo  ?:8080      0/2  Ns ago     -    node2;node3\n",
        "the stored spec is read back; Ceph's service map has no RGW on node2 or node3"
    );
    let again = lab.run_with_input(&["apply", "-"], RGW);
    assert_eq!(
        (again.status, again.stdout.as_str()),
        (0, "rgw.foo: nothing to do (already on node2, node3)\n"),
        "standard input, against the stored spec"
    );
}

#[test]
fn without_ceph_the_spec_is_applied_and_how_to_store_it_is_said() {
    let lab = Lab::start();
    let applied = lab.run_with_input(&["--no-ceph", "apply", "-"], RGW);
    assert_eq!(
        (
            applied.status,
            applied.stdout.as_str(),
            applied.stderr.as_str()
        ),
        (
            0,
            "rgw.foo: enabled rgw on node2, node3\n",
            "warning: rgw.foo: applied but not stored, as --no-ceph was given; store it where the mgr module keeps it with: ceph config-key set mgr/microceph/spec.rgw.foo '{\"placement\": {\"hosts\": [\"node2\", \"node3\"]}, \"service_id\": \"foo\", \"service_type\": \"rgw\", \"spec\": {\"rgw_frontend_port\": 8080}}'\n"
        )
    );
    assert!(lab.ceph_calls().is_empty());
}

#[test]
fn a_spec_that_cannot_be_stored_is_applied_and_the_failure_said() {
    let lab = Lab::start();
    lab.fail("config-key_set", "Error EACCES: access denied");
    let applied = lab.run_with_input(&["apply", "-"], RGW);
    assert_eq!(applied.status, 5, "EIO");
    assert_eq!(applied.stdout, "rgw.foo: enabled rgw on node2, node3\n");
    let stderr: Vec<&str> = applied.stderr.lines().collect();
    assert!(
        stderr[0].starts_with("warning: rgw.foo: applied but not stored: `")
            && stderr[0].contains("config-key set` failed: Error EACCES: access denied; store it with: ceph config-key set mgr/microceph/spec.rgw.foo '{"),
        "{}",
        stderr[0]
    );
    assert_eq!(
        stderr[1],
        "Error EIO: 1 applied spec(s) could not be stored where the mgr module keeps them; the warnings above say how to store them"
    );
}

#[test]
fn apply_refuses_when_the_stored_specs_cannot_be_read() {
    let lab = Lab::start();
    lab.fail("config-key_dump", "Error ETIMEDOUT: mons unreachable");
    let applied = lab.run_with_input(&["apply", "-"], RGW);
    assert_eq!(applied.status, 5);
    assert!(
        applied.stderr.starts_with("Error EIO: cannot read the stored specs with `")
            && applied.stderr.ends_with("config-key dump mgr/microceph/spec.`: Error ETIMEDOUT: mons unreachable; nothing was applied, since the plan depends on them; once ceph answers, try again, or give --no-ceph to apply without them (the spec is then not stored)\n"),
        "{}",
        applied.stderr
    );
    assert!(rgw_daemons(&lab).is_empty(), "nothing changed");
}

#[test]
fn a_failed_apply_prints_the_backends_error_and_stores_nothing() {
    let lab = Lab::start();
    let applied = lab.run_with_input(
        &["apply", "-"],
        "service_type: rgw\nservice_id: foo\nplacement:\n  hosts: [node9]\n",
    );
    assert_eq!(
        (
            applied.status,
            applied.stdout.as_str(),
            applied.stderr.as_str()
        ),
        (
            22,
            "",
            "Error EINVAL: rgw.foo: unknown host(s) in placement: node9; cluster members are: node1, node2, node3\n"
        )
    );
    assert!(lab.stored().is_empty());
}

#[test]
fn plan_apply_shows_what_would_change_and_changes_nothing() {
    let lab = Lab::start();
    let file = lab.write(
        "plan.yaml",
        &format!("{RGW}networks: [10.0.0.0/8]\n---\nservice_type: mon\nplacement:\n  count: 1\n"),
    );
    let planned = lab.run(&["plan", "apply", file.to_str().unwrap()]);
    assert_eq!(
        (
            planned.status,
            planned.stdout.as_str(),
            planned.stderr.as_str()
        ),
        (
            0,
            "SERVICE  NAME     ADD_TO       REMOVE_FROM\nrgw      rgw.foo  node2 node3\nmon      mon                   node2 node3\n",
            "warning: rgw.foo: spec field 'networks' of rgw is ignored: MicroCeph does not bind daemons to chosen networks\n"
        )
    );
    let json = lab.run(&["--format", "json", "plan", "apply", file.to_str().unwrap()]);
    assert_eq!(
        json.stdout,
        "[{\"warning\": \"rgw.foo: spec field 'networks' of rgw is ignored: MicroCeph does not bind daemons to chosen networks\\n\"}, {\"add\": [\"node2\", \"node3\"], \"remove\": [], \"service_name\": \"rgw.foo\", \"service_type\": \"rgw\"}, {\"add\": [], \"remove\": [\"node2\", \"node3\"], \"service_name\": \"mon\", \"service_type\": \"mon\"}]\n",
        "as `ceph orch apply -i --dry-run --format json` prints the preview"
    );
    assert!(rgw_daemons(&lab).is_empty(), "nothing changed");
    assert!(lab.stored().is_empty(), "nothing stored");
    assert!(
        lab.ceph_calls()
            .iter()
            .all(|call| call.starts_with("config-key dump")),
        "ceph only read the stored specs: {:?}",
        lab.ceph_calls()
    );
    let refused = lab.run_with_input(
        &["plan", "apply", "-"],
        "service_type: mgr\nplacement:\n  hosts: [node9]\n",
    );
    assert_eq!(
        (
            refused.status,
            refused.stdout.as_str(),
            refused.stderr.as_str()
        ),
        (
            22,
            "",
            "Error EINVAL: mgr: unknown host(s) in placement: node9; cluster members are: node1, node2, node3\n"
        )
    );
}

#[test]
fn spec_files_that_do_not_read_are_refused_with_where() {
    let lab = Lab::start();
    for (yaml, expected) in [
        (
            "service_type: mon\n  placement: [\n",
            "Error EINVAL: standard input is not valid YAML: mapping values are not allowed in this context at line 2 column 12\n",
        ),
        (
            "service_type: mon\n---\n- node1\n",
            "Error EINVAL: standard input: document 2 (line 2) is a list, not a service spec; each document must be a mapping such as `service_type: mon`\n",
        ),
        (
            "service_type: mon\nplacement:\n  hosts: [node1]\n  yes: 1\n",
            "Error EINVAL: standard input: document 1, line 4: the key `true` is not a string; spec keys are names such as service_type (quote a key to make it a string)\n",
        ),
        (
            "",
            "Error EINVAL: standard input holds no service spec; give one or more YAML documents such as `service_type: mon`\n",
        ),
        (
            "service_type: mgr\nplacement:\n  count: many\n",
            "Error EINVAL: mgr: spec field 'placement.count' must be a whole number, got \"many\"\n",
        ),
    ] {
        let run = lab.run_with_input(&["apply", "-"], yaml);
        assert_eq!(
            (run.status, run.stderr.as_str()),
            (22, expected),
            "YAML:\n{yaml}"
        );
    }
    let missing = lab.run(&["apply", "/nonexistent/spec.yaml"]);
    assert_eq!(
        (missing.status, missing.stderr.as_str()),
        (
            2,
            "Error ENOENT: cannot read the spec file /nonexistent/spec.yaml: No such file or directory (os error 2)\n"
        )
    );
    assert!(lab.stored().is_empty());
}
