/** Generated from contracts/dashboard.json by `npm run generate` (scripts/rules.mjs): do not edit. */

export const rules = {
  "SignupRequest": {
    "email": {
      "type": "string",
      "format": "email",
      "maxLength": 320
    },
    "language": {
      "type": "string"
    },
    "password": {
      "type": "string",
      "minLength": 10,
      "maxLength": 128
    },
    "time_zone": {
      "type": "string",
      "maxLength": 64
    }
  },
  "PasswordResetRequest": {
    "email": {
      "type": "string",
      "format": "email",
      "maxLength": 320
    },
    "language": {
      "type": "string"
    }
  },
  "PasswordResetConfirm": {
    "password": {
      "type": "string",
      "minLength": 10,
      "maxLength": 128
    },
    "token": {
      "type": "string",
      "minLength": 1,
      "maxLength": 128
    }
  },
  "ProfileUpdate": {
    "birth_year": {
      "type": "integer",
      "minimum": 1900,
      "maximum": 2100
    },
    "display_name": {
      "type": "string",
      "minLength": 1,
      "maxLength": 100
    },
    "language": {
      "type": "string"
    },
    "max_hr": {
      "type": "integer",
      "minimum": 60,
      "maximum": 260
    },
    "resting_hr": {
      "type": "integer",
      "minimum": 20,
      "maximum": 150
    },
    "sex": {
      "type": "string",
      "maxLength": 8
    },
    "time_zone": {
      "type": "string",
      "minLength": 1,
      "maxLength": 64
    },
    "units": {
      "type": "string"
    },
    "vo2max": {
      "type": "number",
      "maximum": 100,
      "exclusiveMinimum": 0
    },
    "weight_kg": {
      "type": "number",
      "maximum": 500,
      "exclusiveMinimum": 0
    }
  },
  "RaceCreate": {
    "date": {
      "type": "string",
      "format": "date"
    },
    "distance_m": {
      "type": "number",
      "maximum": 1000000,
      "exclusiveMinimum": 0
    },
    "location": {
      "type": "string",
      "minLength": 1,
      "maxLength": 200
    },
    "name": {
      "type": "string",
      "minLength": 1,
      "maxLength": 200
    },
    "url": {
      "type": "string",
      "format": "uri",
      "minLength": 1,
      "maxLength": 2000
    }
  }
} as const;
