using System;
using System.Collections.Generic;
using System.IO;

namespace BqBackup.Storage.S3
{
    /// <summary>
    /// The region a named AWS profile sets, as AWS.Tools and awscli read it when -Region is absent:
    /// the profile's section of the credentials file (-ProfileLocation, else
    /// AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials), then its "[profile NAME]" section of
    /// the config file (AWS_CONFIG_FILE, else ~/.aws/config; "[default]" for the default profile).
    /// Only the region line is read; a file that is missing or unreadable sets no region.
    /// </summary>
    public static class AwsProfileRegion
    {
        /// <summary>The profile's region, or null when none of its files sets one.</summary>
        public static string Of(string profileName, string profileLocation, IEnvironment env)
        {
            if (string.IsNullOrEmpty(profileName)) return null;
            var home = (Path.DirectorySeparatorChar == '\\' ? env.First("USERPROFILE", "HOME") : env.First("HOME")) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            var credentials = profileLocation ?? env.First("AWS_SHARED_CREDENTIALS_FILE") ?? Path.Combine(home, ".aws", "credentials");
            var config = env.First("AWS_CONFIG_FILE") ?? Path.Combine(home, ".aws", "config");
            var configSections = profileName == "default" ? new[] { "default", "profile default" } : new[] { "profile " + profileName };
            return RegionIn(credentials, new[] { profileName }) ?? RegionIn(config, configSections);
        }

        private static string RegionIn(string file, IReadOnlyCollection<string> sections)
        {
            string[] lines;
            try
            {
                if (!File.Exists(file)) return null;
                lines = File.ReadAllLines(file);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
            var inSection = false;
            foreach (var raw in lines)
            {
                // Indented lines belong to a nested setting ("s3 =" then "  addressing_style = path"), never the profile's region.
                if (raw.Length > 0 && char.IsWhiteSpace(raw[0])) continue;
                var line = raw.Trim();
                if (line.Length == 0 || line[0] == '#' || line[0] == ';') continue;
                if (line[0] == '[' && line[line.Length - 1] == ']')
                {
                    var name = string.Join(" ", line.Substring(1, line.Length - 2).Split((char[])null, StringSplitOptions.RemoveEmptyEntries));
                    inSection = ((ICollection<string>)sections).Contains(name);
                    continue;
                }
                if (!inSection) continue;
                var equals = line.IndexOf('=');
                if (equals <= 0 || !line.Substring(0, equals).Trim().Equals("region", StringComparison.OrdinalIgnoreCase)) continue;
                var region = line.Substring(equals + 1).Trim();
                if (region.Length > 0) return region;
            }
            return null;
        }
    }
}
