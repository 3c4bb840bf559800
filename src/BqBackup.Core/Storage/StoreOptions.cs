using System;
using System.Collections.Generic;

namespace BqBackup.Storage
{
    /// <summary>
    /// Settings of the S3 store as a user gave them; anything left null falls back to bunqueue's
    /// environment variables and then to the AWS SDK's default chain. ToString never shows secrets.
    /// </summary>
    public sealed class S3Options
    {
        public string EndpointUrl { get; set; }
        public string Region { get; set; }
        public string AccessKey { get; set; }
        public string SecretKey { get; set; }
        public string SessionToken { get; set; }
        public string ProfileName { get; set; }
        public bool? ForcePathStyle { get; set; }
        /// <summary>Connect/read timeout per request; short so an unreachable endpoint fails fast.</summary>
        public TimeSpan? Timeout { get; set; }

        public override string ToString() =>
            $"endpoint={EndpointUrl ?? "(default)"} region={Region ?? "(default)"} profile={ProfileName ?? "(none)"} accessKey={(AccessKey == null ? "(none)" : "(set)")}";
    }

    /// <summary>Reads environment variables; a seam so tests can supply their own.</summary>
    public interface IEnvironment
    {
        string Get(string name);
    }

    public sealed class ProcessEnvironment : IEnvironment
    {
        public static readonly ProcessEnvironment Instance = new ProcessEnvironment();
        public string Get(string name)
        {
            var value = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrEmpty(value) ? null : value;
        }
    }

    public sealed class DictionaryEnvironment : IEnvironment
    {
        private readonly IDictionary<string, string> values;
        public DictionaryEnvironment(IDictionary<string, string> values) { this.values = values; }
        public string Get(string name) => values.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : null;
    }

    public static class EnvironmentExtensions
    {
        /// <summary>bunqueue's rule: the first name that is set wins (S3_X before its AWS_X alias).</summary>
        public static string First(this IEnvironment env, params string[] names)
        {
            foreach (var name in names)
            {
                var value = env.Get(name);
                if (value != null) return value;
            }
            return null;
        }
    }
}
