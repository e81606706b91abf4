//! Running many requests at once, with a bound on how many are in flight.
//!
//! Observation and execution both fan out one request (or one sequence of requests) per member.
//! [`run_bounded`] spawns at most `limit` tasks at a time on the current tokio runtime and returns the outputs in input order, so callers stay deterministic whatever order the tasks finish in.
//! A task that panics re-raises its panic in the caller, so a bug is never turned into a silently missing result.

use std::future::Future;

use tokio::task::JoinSet;

/// Runs `work` on every input with at most `limit` tasks in flight, and returns the outputs in input order.
pub(crate) async fn run_bounded<I, F, Fut, O>(inputs: Vec<I>, limit: usize, work: F) -> Vec<O>
where
    F: Fn(I) -> Fut,
    Fut: Future<Output = O> + Send + 'static,
    O: Send + 'static,
{
    let total = inputs.len();
    let mut outputs: Vec<Option<O>> = std::iter::repeat_with(|| None).take(total).collect();
    let mut pending = inputs.into_iter().enumerate();
    let mut tasks = JoinSet::new();
    let mut spawn_next = |tasks: &mut JoinSet<(usize, O)>| {
        if let Some((input_idx, input)) = pending.next() {
            let future = work(input);
            tasks.spawn(async move { (input_idx, future.await) });
        }
    };
    for _ in 0..limit.max(1) {
        spawn_next(&mut tasks);
    }
    while let Some(joined) = tasks.join_next().await {
        let (input_idx, output) = match joined {
            Ok(done) => done,
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(error) => unreachable!("tasks of a live JoinSet are never cancelled: {error}"),
        };
        outputs[input_idx] = Some(output);
        spawn_next(&mut tasks);
    }
    outputs
        .into_iter()
        .map(|output| output.expect("every input produced an output"))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::run_bounded;

    #[tokio::test]
    async fn keeps_input_order_and_the_bound() {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let outputs = run_bounded((0..20_u64).collect(), 3, |n| {
            let in_flight = Arc::clone(&in_flight);
            let peak = Arc::clone(&peak);
            async move {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20 - n)).await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
                n * 2
            }
        })
        .await;
        assert_eq!(outputs, (0..20).map(|n| n * 2).collect::<Vec<_>>());
        assert_eq!(peak.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn empty_input_gives_empty_output() {
        let outputs: Vec<u8> = run_bounded(Vec::<u8>::new(), 4, |n| async move { n }).await;
        assert!(outputs.is_empty());
    }

    #[tokio::test]
    async fn a_panicking_task_panics_the_caller() {
        let caught = tokio::spawn(run_bounded(vec![1_u8, 2], 2, |n| async move {
            assert!(n != 2, "task {n} failed");
            n
        }))
        .await;
        let panic = caught.expect_err("the panic propagates").into_panic();
        assert_eq!(panic.downcast_ref::<String>().unwrap(), "task 2 failed");
    }
}
