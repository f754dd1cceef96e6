//! The one grammar of composite import ids: parts joined by `/`, where a part that holds a
//! `/` or a `\` writes it as `\/` or `\\`. Every resource with a composite id (databases,
//! users, roles, grants) builds and parses its id here, so the escape rule is the same
//! everywhere and a bad id always gets an error that prints the expected form.

/// Joins parts into an id, escaping `\` and `/` inside parts.
pub fn join<S: AsRef<str>>(parts: &[S]) -> String {
    parts
        .iter()
        .map(|p| p.as_ref().replace('\\', "\\\\").replace('/', "\\/"))
        .collect::<Vec<_>>()
        .join("/")
}

/// Splits an id into its unescaped parts. Errors on a dangling `\` or an unknown escape.
pub fn split(id: &str) -> Result<Vec<String>, String> {
    let mut parts = vec![String::new()];
    let mut chars = id.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('\\' | '/')) => parts.last_mut().map(|p| p.push(e)).unwrap_or_default(),
                Some(e) => {
                    return Err(format!(
                        "unknown escape \"\\{e}\" (only \"\\/\" and \"\\\\\" are allowed)"
                    ))
                }
                None => return Err("the id ends with a lone \"\\\"".into()),
            },
            '/' => parts.push(String::new()),
            c => parts.last_mut().map(|p| p.push(c)).unwrap_or_default(),
        }
    }
    Ok(parts)
}

/// Splits an id that must start with `<cluster_id>/<tenant_id>`: returns the two OCP ids and
/// the remaining parts, or an error sentence that names `form`, the expected shape.
pub fn tenant_scoped(id: &str, form: &str) -> Result<(i64, i64, Vec<String>), String> {
    let bad = |why: &str| {
        format!("Expected an import id of the form {form} (escape \"/\" inside a name as \"\\/\" and \"\\\" as \"\\\\\"), got {id:?}: {why}.")
    };
    let parts = split(id).map_err(|e| bad(&e))?;
    if parts.len() < 3 {
        return Err(bad("too few parts"));
    }
    let cluster = parts[0]
        .parse::<i64>()
        .map_err(|_| bad("the cluster id is not a number"))?;
    let tenant = parts[1]
        .parse::<i64>()
        .map_err(|_| bad("the tenant id is not a number"))?;
    if parts[2..].iter().any(String::is_empty) {
        return Err(bad("a part is empty"));
    }
    Ok((cluster, tenant, parts[2..].to_vec()))
}

/// The id of an object named `name` in a tenant: `<cluster_id>/<tenant_id>/<name>`.
pub fn in_tenant((cluster_id, tenant_id): (i64, i64), name: &str) -> String {
    join(&[
        cluster_id.to_string(),
        tenant_id.to_string(),
        name.to_string(),
    ])
}

/// The tenant and the name of an id made by [`in_tenant`], or an error sentence that names
/// `form`, the expected shape.
pub fn named_in_tenant(id: &str, form: &str) -> Result<((i64, i64), String), String> {
    match tenant_scoped(id, form)? {
        (cluster, tenant, mut rest) if rest.len() == 1 => Ok(((cluster, tenant), rest.remove(0))),
        _ => Err(format!(
            "Expected an import id of the form {form}, got {id:?}: too many parts."
        )),
    }
}

// ---- ids of objects in a cluster ----

/// The cluster id and the name of an id `<cluster_id>/<name>` (a zone's), or an error sentence
/// that names `form`, the expected shape.
pub fn in_cluster(id: &str, form: &str) -> Result<(i64, String), String> {
    match split(id).as_deref() {
        Ok([c, name]) if !name.is_empty() => match c.parse() {
            Ok(c) => Ok((c, name.clone())),
            Err(_) => Err(format!("Expected an import id of the form {form}, got {id:?}: the cluster id is not a number.")),
        },
        _ => Err(format!("Expected an import id of the form {form}, got {id:?}.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_names_holding_the_separator() {
        let parts = ["1", "2", "a/b", "c\\d", "plain"];
        let id = join(&parts);
        assert_eq!(id, "1/2/a\\/b/c\\\\d/plain");
        assert_eq!(split(&id).unwrap(), parts);
    }

    #[test]
    fn bad_ids_print_the_expected_form() {
        let form = "\"<cluster_id>/<tenant_id>/<username>\"";
        let e = tenant_scoped("1/x/app", form).unwrap_err();
        assert!(e.contains(form) && e.contains("tenant id"), "{e}");
        assert!(tenant_scoped("1/2", form).unwrap_err().contains("too few"));
        assert!(tenant_scoped("1/2/", form).unwrap_err().contains("empty"));
        assert!(tenant_scoped("1/2/a\\x", form)
            .unwrap_err()
            .contains("unknown escape"));
        assert_eq!(
            tenant_scoped("1/2/app", form).unwrap(),
            (1, 2, vec!["app".to_string()])
        );
    }

    #[test]
    fn an_id_in_a_tenant_names_one_object() {
        let form = "\"<cluster_id>/<tenant_id>/<name>\"";
        let id = in_tenant((1, 2), "a/b");
        assert_eq!(id, "1/2/a\\/b");
        assert_eq!(named_in_tenant(&id, form), Ok(((1, 2), "a/b".to_string())));
        let e = named_in_tenant("1/2/a/b", form).unwrap_err();
        assert!(e.contains(form) && e.ends_with("too many parts."), "{e}");
        assert!(named_in_tenant("1/2", form)
            .unwrap_err()
            .contains("too few"));
    }

    #[test]
    fn an_id_in_a_cluster_names_one_object() {
        let form = "\"<cluster_id>/<zone_name>\"";
        assert_eq!(
            in_cluster("7/zone\\/1", form),
            Ok((7, "zone/1".to_string()))
        );
        for bad in ["demo/zone4", "7/", "7", "7/a/b"] {
            let e = in_cluster(bad, form).unwrap_err();
            assert!(e.contains(form), "{bad}: {e}");
        }
    }
}
