//! Crew sign-up: who may crew a match, in which role.

use sdk::Error;

use crate::model::{CrewRole, MatchStatus};

/// Who may sign up as crew: not a player of the match, not twice in one role, not after it ended,
/// and as tracker only where the tournament uses trackers.
pub fn check_crew_signup(
    status: MatchStatus,
    is_player: bool,
    already: Option<CrewRole>,
    role: CrewRole,
    trackers_wanted: bool,
) -> Result<(), Error> {
    if is_player {
        return Err(Error::forbidden(
            "You play in this match, so you cannot crew it.",
        ));
    }
    if status.is_over() {
        return Err(Error::conflict(
            "This match is over; crew sign-up is closed.",
        ));
    }
    if !role.taken_by(trackers_wanted) {
        return Err(Error::invalid(
            "role",
            "This tournament does not use trackers; sign up as commentator or restreamer.",
        ));
    }
    if already == Some(role) {
        return Err(Error::conflict(format!(
            "You are already signed up as {} for this match.",
            role.label().to_lowercase()
        )));
    }
    Ok(())
}

/// A crew role from its key, with the choices in the error.
pub fn parse_role(text: &str) -> Result<CrewRole, Error> {
    CrewRole::parse(text.trim())
        .ok_or_else(|| Error::invalid("role", "Choose commentator, tracker or restreamer."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crew_rules() {
        use CrewRole::*;
        let s = MatchStatus::Scheduled;
        assert!(check_crew_signup(s, false, None, Commentator, false).is_ok());
        assert_eq!(
            check_crew_signup(s, true, None, Commentator, true)
                .unwrap_err()
                .kind(),
            "Forbidden"
        );
        assert!(check_crew_signup(s, false, Some(Commentator), Commentator, true).is_err());
        assert!(check_crew_signup(s, false, Some(Tracker), Commentator, true).is_ok());
        assert!(check_crew_signup(MatchStatus::Finished, false, None, Tracker, true).is_err());
        assert!(check_crew_signup(s, false, None, Tracker, true).is_ok());
        let no_trackers = check_crew_signup(s, false, None, Tracker, false).unwrap_err();
        assert_eq!(no_trackers.field(), Some("role"));
        assert!(no_trackers.message().contains("does not use trackers"));
        assert!(check_crew_signup(s, false, None, Restreamer, false).is_ok());
        assert_eq!(parse_role("tracker").unwrap(), Tracker);
        assert_eq!(parse_role("caster").unwrap_err().field(), Some("role"));
    }
}
