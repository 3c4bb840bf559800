using System;

namespace BqBackup
{
    /// <summary>
    /// Every failure the engine reports to a user. ErrorId is API: scripts and tests match on it.
    /// Messages never contain secrets; TargetObject is the offending value (a path, a name).
    /// </summary>
    public class BqBackupException : Exception
    {
        public BqBackupException(string errorId, BqErrorCategory category, string message,
            object targetObject, string recommendedAction, Exception inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Category = category;
            TargetObject = targetObject;
            RecommendedAction = recommendedAction;
        }

        public string ErrorId { get; }
        public BqErrorCategory Category { get; }
        public object TargetObject { get; }
        public string RecommendedAction { get; }
    }
}
