using System;
using System.Collections.Generic;
using System.Linq;
using System.Security;
using BqBackup.Codec.Age;
using BqBackup.Storage;

namespace BqBackup.Encryption
{
    /// <summary>
    /// What opens encrypted backups: the identities of age identity files (AGE-SECRET-KEY-1…) and
    /// a passphrase. Dispose zeroes them. Nothing here ever reveals a secret: <see cref="Describe"/>
    /// names the files and the public keys that belong to them.
    /// </summary>
    public sealed class BackupDecryption : IDisposable
    {
        private readonly List<string> descriptions;

        private BackupDecryption(IReadOnlyList<AgeIdentity> identities, List<string> descriptions)
        {
            Identities = identities;
            this.descriptions = descriptions;
        }

        public IReadOnlyList<AgeIdentity> Identities { get; }

        /// <summary>
        /// The identity files and passphrase given as parameters, else the identity file the
        /// environment names (<see cref="EncryptionEnvironment.IdentityFile"/>); null when there is none.
        /// </summary>
        public static BackupDecryption Resolve(IEnumerable<string> identityFiles, SecureString passphrase, IEnvironment env)
        {
            var files = identityFiles?.Where(f => f != null).ToList() ?? new List<string>();
            var fromEnv = false;
            if (files.Count == 0 && passphrase == null && env != null)
            {
                var file = env.Get(EncryptionEnvironment.IdentityFile);
                if (!string.IsNullOrWhiteSpace(file)) { files.Add(file.Trim()); fromEnv = true; }
            }
            if (files.Count == 0 && passphrase == null) return null;
            if (passphrase != null && passphrase.Length == 0) throw AgeErrors.IdentityInvalid("an empty passphrase", null);

            var identities = new List<AgeIdentity>();
            var descriptions = new List<string>();
            try
            {
                foreach (var file in files)
                {
                    var read = AgeKeyFiles.ReadIdentitiesFile(file);
                    identities.AddRange(read);
                    descriptions.Add($"identity file '{file}'{(fromEnv ? $" (from {EncryptionEnvironment.IdentityFile})" : "")}, for {string.Join(", ", read.Select(i => i.Recipient.ToString()))}");
                }
                if (passphrase != null)
                {
                    identities.Add(new AgeScryptIdentity(passphrase));
                    descriptions.Add("a passphrase");
                }
            }
            catch
            {
                foreach (var i in identities) i.Dispose();
                throw;
            }
            return new BackupDecryption(identities, descriptions);
        }

        /// <summary>For verbose output and messages: the files and public keys, never a secret.</summary>
        public string Describe() => string.Join("; ", descriptions);

        /// <summary>The public names of the X25519 identities held (age1…), and "scrypt" for a passphrase.</summary>
        public IReadOnlyList<string> RecipientNames =>
            Identities.Select(i => i is AgeX25519Identity x ? x.Recipient.ToString() : BackupEncryption.PassphraseName).ToArray();

        public void Dispose()
        {
            foreach (var i in Identities) i.Dispose();
        }
    }
}
