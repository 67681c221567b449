"""Imports every domain's models so that Alembic and the mapper see them all."""

from .accounts.models import ApiToken, Registration, ResetCode, User, UserUnit, WebSession  # noqa: F401
from .assembly.models import (  # noqa: F401
    AssemblyFile,
    CommitteeDecision,
    Petition,
    PetitionSignature,
    PetitionVoter,
    PetitionVoterUnit,
)
from .audit.models import AuditEntry  # noqa: F401
from .boards.models import Attachment, Board, Post, PostRevision, Revision, Thread, ThreadRead  # noqa: F401
from .chat.models import ChatConnection, DeskConversation, Message, RoomRead  # noqa: F401
from .desk.models import (  # noqa: F401
    Notice,
    NoticeBuilding,
    NoticeReceipt,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Ticket,
    TicketEvent,
    TicketPhoto,
)
from .estate.models import Building, Owner, Unit  # noqa: F401
from .fees.models import Adjustment, Allocation, Bill, Claim, Dispute, FeeItem, Payment, Reminder  # noqa: F401
from .fire.models import (  # noqa: F401
    FireAlert,
    FireDefect,
    FireDrill,
    FireDrillSignup,
    FireFacility,
    FireFacilityEvent,
    FireHazard,
    FireHazardStep,
    FirePlan,
    FireRound,
    FireRoute,
    FireRouteStop,
    FireShift,
    FireStaff,
    FireTask,
)
from .fund.models import (  # noqa: F401
    Disclosure,
    DisclosureItem,
    FundApplication,
    FundApplicationEvent,
    FundApplicationUnit,
    FundBatch,
    FundEntry,
    FundSettings,
    IncomeContract,
    IncomeEntry,
    LowBalanceWarning,
    OwnerRequest,
)
from .moderation.models import Appeal, ModerationAction, ModeratorNote, QueueClaim, Report, Sanction  # noqa: F401
from .notifications.models import Notification  # noqa: F401
from .rules.models import RulesVersion  # noqa: F401
from .votes.models import (  # noqa: F401
    PaperBallot,
    Vote,
    VoteCandidate,
    VoteCount,
    VoteItem,
    VoteItemCount,
    VoteObjection,
    VoteProcedure,
    VoteProxy,
    VoteReceipt,
    VoteVoter,
    VoteVoterUnit,
)
