using System;
using System.Collections.Generic;

namespace BqBackup.Storage
{
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
