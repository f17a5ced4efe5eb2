//! Random texts for the tests that compare a fast path with unicode-segmentation.

/// `count` texts of up to `max_parts - 1` pieces drawn from `parts`, reproducibly from `seed`
/// (a linear congruential generator: no dependency, same texts on every run).
pub(crate) fn random_texts<'p>(
    parts: &'p [&'p str],
    seed: u64,
    max_parts: usize,
    count: usize,
) -> impl Iterator<Item = String> + 'p {
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    (0..count).map(move |_| {
        let len = next() % max_parts;
        (0..len).map(|_| parts[next() % parts.len()]).collect()
    })
}

/// Checks `fast` against `reference` (unicode-segmentation) on `count` random texts of
/// `parts`, reproducibly from `seed`.
pub(crate) fn assert_same_as_reference<T: PartialEq + std::fmt::Debug>(
    parts: &[&str],
    seed: u64,
    max_parts: usize,
    count: usize,
    fast: impl Fn(&str) -> T,
    reference: impl Fn(&str) -> T,
) {
    for text in random_texts(parts, seed, max_parts, count) {
        assert_eq!(fast(&text), reference(&text), "{text:?}");
    }
}
