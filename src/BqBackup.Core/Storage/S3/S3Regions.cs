using System.Collections.Generic;
using System.Linq;
using Amazon;

namespace BqBackup.Storage.S3
{
    /// <summary>The regions the AWS SDK knows (RegionEndpoint), for completing -Region.</summary>
    public static class S3Regions
    {
        /// <summary>Each region's system name (us-east-1) and display name (US East (N. Virginia)), by system name.</summary>
        public static IReadOnlyList<KeyValuePair<string, string>> All() =>
            RegionEndpoint.EnumerableAllRegions
                .Select(r => new KeyValuePair<string, string>(r.SystemName, r.DisplayName))
                .OrderBy(r => r.Key, System.StringComparer.Ordinal)
                .ToList();
    }
}
