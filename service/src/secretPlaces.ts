// Places in the home directory that keep passwords and keys: read_file refuses
// them and shell.run hides them, as what either shows may reach a remote model.
export const HOME_SECRETS = ['.ssh', '.gnupg', '.password-store', '.local/share/keyrings'];
