using System;
using BqBackup.Storage;

namespace BqBackup.Codec
{
    /// <summary>
    /// Which compression a backup run uses: -Compression when given, else <see cref="Variable"/>
    /// (for unattended runs), else gzip. A value the variable cannot mean is InvalidCompression, so a
    /// typo never silently falls back to another format.
    /// </summary>
    public static class CompressionSetting
    {
        public const string Variable = "BQBACKUP_COMPRESSION";

        /// <summary>The zstd level a <see cref="BqCompressionLevel"/> stands for (Fastest 1, Optimal 3, SmallestSize 19).</summary>
        public static int ZstdLevel(BqCompressionLevel level) => ZstdCodec.LevelFor(level);

        public static BqCompression Resolve(BqCompression? given, IEnvironment env)
        {
            if (given.HasValue) return given.Value;
            var text = env?.Get(Variable);
            if (string.IsNullOrWhiteSpace(text)) return BqCompression.Gzip;
            // By name only: Enum.TryParse would also take numbers and comma-separated lists.
            foreach (BqCompression known in Enum.GetValues(typeof(BqCompression)))
                if (string.Equals(known.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase)) return known;
            throw new BqBackupException(ErrorIds.InvalidCompression, BqErrorCategory.InvalidArgument,
                $"{Variable} is '{text}', which names no compression (Gzip or Zstd).", text,
                $"Set {Variable} to Gzip (the default, readable by bunqueue's restore) or Zstd, or pass -Compression.");
        }
    }
}
