namespace BqBackup.Copy
{
    /// <summary>What Copy-BqBackup did with one backup (the Action of a CopyResult).</summary>
    public static class CopyAction
    {
        /// <summary>Streamed through this machine: read from the source, verified, written to the target.</summary>
        public const string Copied = "Copied";
        /// <summary>Verified by reading the source, then copied inside the S3 service (CopyObject / UploadPartCopy): the body never crossed this machine twice.</summary>
        public const string ServerSideCopied = "ServerSideCopied";
        /// <summary>The target already holds the same backup (same body size, byte-identical sidecar): nothing was written.</summary>
        public const string Skipped = "Skipped";
    }
}
