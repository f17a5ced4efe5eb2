// Linting allocates many small, short-lived vectors and strings per block; mimalloc handles
// that (and freeing large documents) far better than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    draftlint::cli::main()
}
