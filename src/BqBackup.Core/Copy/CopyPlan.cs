namespace BqBackup.Copy
{
    /// <summary>
    /// What copying one backup will do, decided before anything is written (and all that -WhatIf
    /// shows): copy it streamed or inside the S3 service, or skip it because the target already holds it.
    /// </summary>
    public sealed class CopyPlan
    {
        public BackupInfo Backup { get; internal set; }
        public string Source { get; internal set; }
        public string Target { get; internal set; }
        /// <summary>Copied, ServerSideCopied or Skipped: what <see cref="BackupCopier.Execute"/> will do.</summary>
        public string Action { get; internal set; }
        /// <summary>A server-side copy of a body above the single-copy limit: part by part (UploadPartCopy).</summary>
        public bool Multipart { get; internal set; }

        /// <summary>The source's sidecar, byte for byte: the copy's sidecar is exactly this.</summary>
        internal byte[] Sidecar { get; set; }
        /// <summary>The target holds this sidecar already, without a body: what an interrupted copy of this backup left.</summary>
        internal bool TargetHasSidecarOnly { get; set; }

        /// <summary>The -WhatIf / -Confirm text.</summary>
        public string Describe() => Action == CopyAction.Skipped
            ? $"Skip '{Backup.Name}': '{Target}' already holds it"
            : $"Copy '{Backup.Name}' ({Backup.Size:N0} bytes{(Backup.Encrypted ? ", encrypted, copied as it is" : "")}) from '{Source}' to '{Target}'" +
              (Action == CopyAction.ServerSideCopied ? (Multipart ? " inside the S3 service, part by part (UploadPartCopy)" : " inside the S3 service (CopyObject)") : "") +
              (Backup.Encrypted ? ", its size and age header checked" : ", verified against its sidecar") + ", sidecar first and body last";
    }
}
