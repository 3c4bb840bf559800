using System.Linq;
using System.Management.Automation;
using BqBackup.Encryption;
using BqBackup.Restore;

namespace BqBackup.Commands
{
    /// <summary>
    /// What a cmdlet that fetches a backup's contents takes, declared once for the restore
    /// (Restore-BqBackup) and the proof (Test-BqBackup): the same bounds, the same keys, the same
    /// integrity_check rule, so a backup that tests is one that restores.
    /// </summary>
    public abstract class BqFetchCmdlet : BqStoreCmdlet
    {
        /// <summary>The most a backup may decompress to (default 64 GiB); its sidecar's size bounds it as well.</summary>
        [Parameter]
        [ValidateRange(1, long.MaxValue)]
        public long MaxSize { get; set; } = BackupFetch.DefaultMaxSize;

        /// <summary>
        /// Runs integrity_check on the restored copy even when it is proven already: our backups'
        /// sidecars record that the snapshot passed it, and a matching SHA-256 makes the copy that snapshot.
        /// </summary>
        [Parameter]
        public SwitchParameter IntegrityCheck { get; set; }

        /// <summary>age identity files (AGE-SECRET-KEY-1…) that open encrypted backups; default BQBACKUP_AGE_IDENTITY_FILE.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] IdentityFile { get; set; }

        /// <summary>The passphrase of backups encrypted with -Passphrase.</summary>
        [Parameter]
        public System.Security.SecureString Passphrase { get; set; }

        /// <summary>The keys given (or BQBACKUP_AGE_IDENTITY_FILE's), read now; null when there are none. The caller disposes it.</summary>
        internal BackupDecryption ResolveDecryption()
        {
            var decryption = BackupDecryption.Resolve(IdentityFile?.Select(ResolvePath), Passphrase, Environment);
            if (decryption != null) WriteVerbose($"Decrypting with {decryption.Describe()}.");
            return decryption;
        }
    }
}
