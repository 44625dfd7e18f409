// The core migrations are embedded with include_dir!, which cannot tell cargo about files added
// later; this makes a new or edited migration rebuild the server.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
